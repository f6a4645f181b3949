"""Mutated policies through `divert policy lint` and `divert decide`: never a crash or a hang,
and every error located at file:line:col.

    python3 tests/fuzz/mutate_policies.py DIVERT SOURCE_DIR [N] [SEED]
"""
import os
import random
import re
import subprocess
import sys
import tempfile

divert = os.path.abspath(sys.argv[1])
source = os.path.abspath(sys.argv[2])
n = int(sys.argv[3]) if len(sys.argv) > 3 else 150
seed = int(sys.argv[4]) if len(sys.argv) > 4 else 1
work = tempfile.mkdtemp(prefix='divert-fuzz.')
rnd = random.Random(seed)
srcs = [open(f'{source}/policies/{p}.yaml', 'rb').read() for p in ['wa-whatcom','wa-king-county-2011','nm-santa-fe','co-pueblo','ca-lead-pilot','wa-burien','wa-state','lead-vocabulary']]
tokens = [b'[', b']', b'{', b'}', b':', b'-', b'&a ', b'*a', b'!!str ', b'<<: ', b'"', b"'", b'\n', b'  ', b'\t', b'#', b'>', b'|', b'\xff', b'\x00', b'and', b'or not', b'== 3', b'> 2021-02-30', b'(', b')', b'any(', b'1e999', b'99999999999999999999999']
bad = 0
for i in range(n):
    s = bytearray(rnd.choice(srcs))
    for _ in range(rnd.randint(1, 4)):
        op = rnd.randint(0, 4); at = rnd.randrange(len(s))
        if op == 0: del s[at:at+rnd.randint(1, 20)]
        elif op == 1: s[at:at] = rnd.choice(tokens)
        elif op == 2:
            b = rnd.randrange(len(s)); s[at:at] = s[b:b+rnd.randint(1, 80)]
        elif op == 3: s[at] = rnd.randrange(256)
        else:
            lines = s.split(b'\n'); j = rnd.randrange(len(lines)); lines.insert(j, lines[rnd.randrange(len(lines))]); s = bytearray(b'\n'.join(lines))
    path = f'{work}/m{i}.yaml'
    open(path, 'wb').write(s)
    try:
        r = subprocess.run([divert, 'policy', 'lint', path], capture_output=True, timeout=10, cwd=source)
    except subprocess.TimeoutExpired:
        print('HANG', path); bad += 1; continue
    out = r.stdout.decode(errors='replace')
    err = r.stderr.decode(errors='replace')
    if r.returncode not in (0, 1) or 'AddressSanitizer' in err or 'runtime error' in err:
        print('CRASH', r.returncode, path, err[-300:]); bad += 1; continue
    for line in out.splitlines():
        if ': error:' in line and not re.match(r'^\S+\.yaml:\d+:\d+: error:', line):
            print('UNLOCATED', path, line); bad += 1; break
    # also decide must not crash
    r2 = subprocess.run([divert, 'decide', '--policy', path, '--set', 'pathway=arrest_diversion'], capture_output=True, timeout=10, cwd=source)
    e2 = r2.stderr.decode(errors='replace')
    if r2.returncode not in (0,1,2,3,65,66) or 'AddressSanitizer' in e2 or 'runtime error' in e2:
        print('DECIDE-CRASH', r2.returncode, path, e2[-300:]); bad += 1
for name in os.listdir(work):
    os.remove(os.path.join(work, name))
os.rmdir(work)
print(f'fuzz: {n - bad} passed, {bad} failed')
sys.exit(1 if bad else 0)
