// The python the export tests run the exported scripts with: target/pyenv's
// (scripts/setup.sh test makes it), or CONVSCOPE_PYTHON; and which of its
// modules import; a script run with its results read back.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const PY = process.env.CONVSCOPE_PYTHON || path.join(ROOT, 'target/pyenv/bin/python');

/** Whether `import module` works in that python. */
export function has(module) {
  try {
    execFileSync(PY, ['-c', `import ${module}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs the script `code` and returns the globals it leaves whose name `keep`
 * (a Python expression in `k`) accepts, as nested lists (None stays null).
 */
export function runPython(code, keep) {
  const file = path.join(os.tmpdir(), `convscope-script-${process.pid}-${Math.random().toString(36).slice(2)}.py`);
  fs.writeFileSync(file, `${code}
import json
def _list(v):
    if v is None:
        return None
    if hasattr(v, 'detach'):
        v = v.detach().numpy()
    return v.tolist()
print('RESULT' + json.dumps({k: _list(v) for k, v in dict(globals()).items() if ${keep}}))
`);
  try {
    const out = execFileSync(PY, [file], { encoding: 'utf8' });
    return JSON.parse(out.split('\n').find((l) => l.startsWith('RESULT')).slice(6));
  } finally {
    fs.rmSync(file, { force: true });
  }
}
