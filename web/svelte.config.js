/** Svelte compiler options for the web client (TypeScript in <script lang="ts"> is handled natively). */
export default {
  compilerOptions: { runes: true },
};
