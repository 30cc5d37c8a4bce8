/**
 * The flags headless chromium runs the console's map with in the benchmarks: WebGL in software,
 * through ANGLE on SwiftShader, on a machine without a graphics card. `gpu` composites with
 * SwiftShader as the GPU, as a browser on a machine with a graphics card does; `software` (as the
 * console's browser tests run) makes chromium read every WebGL frame back from the GPU process on
 * the page's thread (RESULTS.md, "Console map").
 */
export function chromiumArgs(compositing: 'gpu' | 'software'): string[] {
  return [
    '--no-sandbox',
    ...(compositing === 'gpu' ? [] : ['--disable-gpu']),
    '--use-gl=angle',
    '--use-angle=swiftshader',
    '--enable-unsafe-swiftshader',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
  ];
}
