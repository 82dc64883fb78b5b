// Lets `node` run the DPDK test scenarios (TypeScript) in child processes and worker threads:
// EAL can be initialised once per process, so each DPDK scenario runs in its own process.
// Transpile-only, like ts-jest with isolatedModules (type checking is tsc's job). Output is
// cached on disk by file, mtime and size: loading the TypeScript compiler costs ~0.5 s per
// worker thread otherwise.
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const cacheDir = path.join(os.tmpdir(), 'flowprobe-dpdk-test-ts-cache');
let ts = null;

function transpile(filename) {
  const st = fs.statSync(filename);
  const key = crypto.createHash('sha1').update(`${filename}\0${st.mtimeMs}\0${st.size}`).digest('hex');
  const cached = path.join(cacheDir, `${key}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    /* not cached yet */
  }
  ts ??= require('typescript');
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
  }).outputText;
  fs.mkdirSync(cacheDir, { recursive: true });
  // Write then rename: concurrent workers never read a half-written file.
  const tmp = `${cached}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  fs.writeFileSync(tmp, out);
  fs.renameSync(tmp, cached);
  return out;
}

if (!require.extensions['.ts']) {
  require.extensions['.ts'] = (module, filename) => module._compile(transpile(filename), filename);
}
