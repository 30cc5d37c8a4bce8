// Svelte compiles <script lang="ts"> itself (type annotations only); svelte-check reads this file.
export default {};
