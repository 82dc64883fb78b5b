// Lets `node` run the DPDK test scenarios (TypeScript) in child processes and worker threads:
// EAL can be initialised once per process, so each DPDK scenario runs in its own process.
// Transpile-only, like ts-jest with isolatedModules (type checking is tsc's job).
const fs = require('node:fs');
const ts = require('typescript');

if (!require.extensions['.ts']) {
  require.extensions['.ts'] = (module, filename) => {
    const out = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
      fileName: filename,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
        isolatedModules: true,
        preserveConstEnums: true,
        inlineSourceMap: true,
      },
    });
    module._compile(out.outputText, filename);
  };
}
