// The dev loop's bundles in two parts, so an edit rebuilds our own code alone: esbuild's incremental rebuild of the
// whole bundle re-links and re-prints the AWS SDK each time (about 0.3-0.45 s for the two routes on 2 cores), while
// our code without its packages takes 10-25 ms. The packages our code imports go into one vendor.js, built once per
// session (again only when an edit imports a package it does not hold), next to each route's index.js in the zip
// the loop pushes; index.js takes each package from it. `make build` and `make deploy` keep the single bundle.
import { builtinModules } from 'node:module';
import { build, type BuildOptions, type Plugin } from 'esbuild';

export const VENDOR_FILE = 'vendor.js';
const NAMESPACE = 'vendor-package';
const builtins = new Set(builtinModules);

/** A bare specifier (a package, or a path inside one) rather than a relative or absolute path or a Node built-in. */
const isPackage = (specifier: string): boolean =>
  !/^[./]/.test(specifier) && !specifier.startsWith('node:') && !builtins.has(specifier.split('/')[0]);

/**
 * For the build of our own code: each package import becomes `require("./vendor.js").packages[specifier]`, and the
 * specifiers seen are recorded in `imported` (cleared at each build's start).
 */
export function vendorImports(imported: Set<string>): Plugin {
  return {
    name: 'vendor-imports',
    setup(build) {
      build.onStart(() => imported.clear());
      build.onResolve({ filter: /^[^./]/ }, ({ path, namespace }) => {
        if (namespace === NAMESPACE || !isPackage(path)) return undefined;
        imported.add(path);
        return { path, namespace: NAMESPACE };
      });
      build.onResolve({ filter: /^\.\/vendor\.js$/, namespace: NAMESPACE }, () => ({ path: `./${VENDOR_FILE}`, external: true }));
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, ({ path }) => ({
        contents: `module.exports = require("./${VENDOR_FILE}").packages[${JSON.stringify(path)}];`,
        loader: 'js',
      }));
    },
  };
}

/**
 * vendor.js for `specifiers`, built with the options of the Lambda bundle (aliases, ESM builds of the SDK, target),
 * in memory. Each package is imported as ESM, as our code's bundle would, so the SDK's modules are not bundled twice
 * through their CommonJS builds.
 */
export async function buildVendor(options: BuildOptions, specifiers: readonly string[]): Promise<Uint8Array> {
  const sorted = [...specifiers].sort();
  const contents = [
    ...sorted.map((specifier, index) => `import * as m${index} from ${JSON.stringify(specifier)};`),
    `export const packages = {${sorted.map((specifier, index) => `${JSON.stringify(specifier)}: m${index}`).join(', ')}};`,
  ].join('\n');
  const result = await build({
    ...options,
    entryPoints: undefined,
    outdir: undefined,
    plugins: undefined,
    stdin: { contents, resolveDir: options.absWorkingDir, sourcefile: 'vendor-entry.js', loader: 'js' },
    outfile: VENDOR_FILE,
    write: false,
    sourcemap: false,
    metafile: false,
    logLevel: 'silent',
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error('esbuild wrote no vendor.js');
  return output.contents;
}
