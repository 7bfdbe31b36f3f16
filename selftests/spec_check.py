#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# spec_check.py - prove that the YNL spec and the uapi header agree.
#
#   /usr/bin/python3 selftests/spec_check.py [--spec FILE] [--header FILE]
#                                            [--linux-src DIR] [-v]
#
# Runs on the host, no VM. Documentation/netlink/specs/midway.yaml and
# uapi/linux/midway.h describe the same generic netlink family; this test
# fails as soon as one of them changes without the other:
#
#   - the spec is valid against the kernel's YNL schema for its protocol;
#   - every name the spec defines (constants, enums and their members,
#     attributes, commands, the attribute and command maxima, the family,
#     version and multicast group defines) exists in the header with the
#     value YNL gives it: a generated C file of _Static_assert()s is compiled
#     against the header, so the compiler does the comparison;
#   - the kernel's own YNL parser (tools/net/ynl/lib/nlspec.py) numbers the
#     attributes and commands the way this script does;
#   - nothing in the header is missing from the spec;
#   - each attribute's type agrees with the type noted in the header's
#     comment beside it ("binary, 16 bytes", "be32", "u8, 0..32", "nest,
#     MIDWAY_A_STATS_*", "nest of MIDWAY_A_DROP nests", ...), and attributes
#     noted "read-only" or "<COMMAND> only" are requested where they may be;
#   - the kernel's generator (ynl-gen-c.py --mode uapi) renders from the spec
#     a header whose every name has the value ours gives it;
#   - and, to show the checks can fail, a copy of the spec with one attribute
#     renumbered is rejected.
#
# The kernel's YNL tools and schemas come from Debian's linux-source-6.12,
# extracted by tools/deps.sh into build/linux-src/. Output is TAP; exit
# status 0 on success, 1 on failure, 4 (skip) when PyYAML or gcc is missing.
# Run it with Debian's /usr/bin/python3: the python3 on PATH may be a
# separate build that cannot see python3-yaml and python3-jsonschema.

import argparse
import copy
import os
import re
import shutil
import subprocess
import sys
import tempfile

KSFT_PASS, KSFT_FAIL, KSFT_SKIP = 0, 1, 4

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

try:
    import yaml
except ImportError:
    yaml = None


# --------------------------------------------------------------------- TAP

class Tap:
    def __init__(self, verbose):
        self.tests = []
        self.verbose = verbose

    def add(self, desc, fn):
        self.tests.append((desc, fn))

    def run(self):
        print('TAP version 13')
        print(f'1..{len(self.tests)}')
        failed = 0
        for i, (desc, fn) in enumerate(self.tests, 1):
            try:
                res = fn()
            except Exception as e:  # a crash in a check is a failure of it
                res = [f'{type(e).__name__}: {e}']
            if isinstance(res, Skip):
                print(f'ok {i} - {desc} # SKIP {res.why}')
            elif res:
                failed += 1
                print(f'not ok {i} - {desc}')
                for line in res[:40]:
                    print(f'#   {line}')
                if len(res) > 40:
                    print(f'#   ... and {len(res) - 40} more')
            else:
                print(f'ok {i} - {desc}')
        print(f'# {len(self.tests) - failed} passed, {failed} failed')
        return KSFT_FAIL if failed else KSFT_PASS


class Skip:
    def __init__(self, why):
        self.why = why


def diag(msg):
    print(f'# {msg}')


# ------------------------------------------------- names and numbers, as YNL

def c_upper(name):
    return name.upper().replace('-', '_')


def spec_names(spec):
    """Every C name the spec defines, the way ynl-gen-c renders the uAPI.

    Returns (ints, strings, aliases, enum_types):
      ints       {C name: integer value}
      strings    {C name: string value} (family name, multicast groups)
      aliases    {C name: C name} of the "-ntf" twins of commands
      enum_types [C enum type names]
    """
    fam = spec['name']
    ints, strings, aliases, enum_types = {}, {}, {}, []

    strings[c_upper(spec.get('c-family-name', f'{fam}-family-name'))] = fam
    ints[c_upper(spec.get('c-version-name', f'{fam}-family-version'))] = \
        spec.get('version', 1)

    for d in spec.get('definitions', []):
        if d.get('header') or d.get('scope', 'uapi') != 'uapi':
            continue
        if d['type'] == 'const':
            pfx = d.get('name-prefix', f'{fam}-')
            ints[c_upper(pfx + d['name'])] = d['value']
        elif d['type'] in ('enum', 'flags'):
            pfx = d.get('name-prefix', f"{fam}-{d['name']}-")
            val = d.get('value-start', 0)
            for e in d['entries']:
                e = {'name': e} if isinstance(e, str) else e
                val = e.get('value', val)
                ints[c_upper(pfx + e['name'])] = \
                    val if d['type'] == 'enum' else 1 << val
                val += 1
            if d.get('enum-name', '') is not None:
                enum_types.append(c_upper(d.get('enum-name',
                                                f"{fam}-{d['name']}")).lower())
            if d.get('render-max'):
                ints[c_upper(pfx + 'max')] = val - 1

    for s in spec['attribute-sets']:
        if 'subset-of' in s:
            continue
        pfx = s.get('name-prefix', f"{fam}-a-{s['name']}-")
        val = 1
        for a in s['attributes']:
            val = a.get('value', val)
            ints[c_upper(a.get('name-prefix', pfx) + a['name'])] = val
            val += 1
        ints[c_upper(s.get('attr-cnt-name', f'__{pfx}max'))] = val
        ints[c_upper(s.get('attr-max-name', f'{pfx}max'))] = val - 1

    ops = spec['operations']
    pfx = ops.get('name-prefix', f'{fam}-cmd-')
    val, top = 1, 0
    by_name = {}
    for op in ops['list']:
        val = op.get('value', val)
        by_name[op['name']] = val
        val += 1
    for op in ops['list']:
        name = c_upper(pfx + op['name'])
        twin = notify_twin(op)
        if twin is not None and twin in by_name:
            aliases[name] = c_upper(pfx + twin)
        ints[name] = by_name[op['name']]
        top = max(top, by_name[op['name']])
    ints[c_upper(spec.get('cmd-cnt-name', f'__{pfx}max'))] = top + 1
    ints[c_upper(spec.get('cmd-max-name', f'{pfx}max'))] = top

    for g in spec.get('mcast-groups', {}).get('list', []):
        strings[c_upper(g.get('c-define-name',
                              f"{fam}-mcgrp-{g['name']}"))] = g['name']
    return ints, strings, aliases, enum_types


def notify_twin(op):
    """The command a "-ntf" entry is the notification of, else None.

    The header has one command value for a change and for its notification;
    the spec must list the notification separately, as "<command>-ntf" with
    an explicit value equal to the command's.
    """
    if op['name'].endswith('-ntf') and ('notify' in op or 'event' in op):
        return op['name'][:-len('-ntf')]
    return None


# --------------------------------------------------------- header inventory

def strip_comments(text):
    return re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)


def header_inventory(path):
    """Enum members and #defines of the header.

    Returns ({name: member comment or ''}, [enum type names], [define names]).
    """
    text = open(path).read()
    members = {}
    etypes = []
    for m in re.finditer(r'\benum\s*(\w*)\s*\{(.*?)\}', text, flags=re.S):
        if m.group(1):
            etypes.append(m.group(1))
        for line in m.group(2).splitlines():
            mm = re.match(r'\s*(\w+)\s*(=[^,]*)?,?\s*(/\*(.*?)\*/)?\s*$', line)
            if mm:
                members[mm.group(1)] = (mm.group(4) or '').strip()
    defines = re.findall(r'^\s*#\s*define\s+(\w+)', strip_comments(text),
                         flags=re.M)
    return members, etypes, defines


def header_macros(gcc, header):
    """String values of the header's macros, from the preprocessor."""
    out = subprocess.run([gcc, '-E', '-dM', '-x', 'c', header],
                         capture_output=True, text=True, check=True).stdout
    macros = {}
    for line in out.splitlines():
        m = re.match(r'#define (\w+) (.*)$', line)
        if m:
            macros[m.group(1)] = m.group(2).strip()
    return macros


# ------------------------------------------------------------- compilation

def compile_c(gcc, source, incdir, tmp, name='check'):
    """Compile C source; return None on success, or the compiler's output."""
    path = os.path.join(tmp, name + '.c')
    with open(path, 'w') as f:
        f.write(source)
    r = subprocess.run([gcc, '-std=gnu11', '-Wall', '-Werror', '-c', '-o',
                        os.devnull, '-I', incdir, path],
                       capture_output=True, text=True)
    return None if r.returncode == 0 else r.stderr


def static_asserts(spec):
    """C source checking, at compile time, every spec name against linux/midway.h."""
    ints, _, aliases, etypes = spec_names(spec)
    lines = ['#include <linux/midway.h>', '']
    for name, val in ints.items():
        target = aliases.get(name, name)
        what = f'{target} (as {name})' if name in aliases else target
        lines.append(f'_Static_assert({target} == {val}, '
                     f'"spec: {what} == {val}");')
    for t in etypes:
        lines.append(f'_Static_assert(sizeof(enum {t}) > 0, "enum {t}");')
    return '\n'.join(lines) + '\n'


def compile_errors(out):
    msgs = re.findall(r'(?:error|note): (.*)', out or '')
    return msgs or (out or '').splitlines()


# ------------------------------------------------------------ the checks

class Checks:
    def __init__(self, args):
        self.args = args
        self.spec_path = args.spec
        self.header = args.header
        self.incdir = os.path.dirname(os.path.dirname(self.header))
        self.lsrc = args.linux_src
        self.ynl_dir = os.path.join(self.lsrc, 'tools/net/ynl')
        self.gcc = shutil.which(os.environ.get('CC', 'gcc')) or shutil.which('gcc')
        self.tmp = tempfile.mkdtemp(prefix='midway-spec-check.')
        self.spec = None

    def schema_path(self):
        proto = self.spec.get('protocol', 'genetlink')
        return os.path.join(self.lsrc, 'Documentation/netlink', proto + '.yaml')

    def t_parse(self):
        with open(self.spec_path) as f:
            self.spec = yaml.safe_load(f)
        errs = []
        for key in ('name', 'attribute-sets', 'operations'):
            if key not in self.spec:
                errs.append(f'no "{key}" in the spec')
        if self.spec.get('name') != 'midway':
            errs.append(f"family name is {self.spec.get('name')!r}")
        return errs

    def t_schema(self):
        try:
            import jsonschema
        except ImportError:
            return Skip('python3-jsonschema missing')
        schema = self.schema_path()
        if not os.path.exists(schema):
            return Skip(f'{schema} missing (run tools/deps.sh)')
        with open(schema) as f:
            s = yaml.safe_load(f)
        v = jsonschema.Draft7Validator(s)
        errs = sorted(v.iter_errors(self.spec), key=lambda e: list(e.path))
        return [f"{'/'.join(map(str, e.path)) or '.'}: {e.message}"
                for e in errs]

    def t_values(self):
        src = static_asserts(self.spec)
        if self.args.verbose:
            sys.stdout.write(''.join('# ' + l + '\n' for l in src.splitlines()))
        out = compile_c(self.gcc, src, self.incdir, self.tmp)
        if out is None:
            return []
        return compile_errors(out)

    def t_strings(self):
        _, strings, _, _ = spec_names(self.spec)
        macros = header_macros(self.gcc, self.header)
        errs = []
        for name, val in strings.items():
            want = '"' + val + '"'
            if name not in macros:
                errs.append(f'{name} is not defined in the header')
            elif macros[name] != want:
                errs.append(f'{name} is {macros[name]}, the spec says {want}')
        return errs

    def t_nlspec(self):
        """YNL's own parser must number things as spec_names() does."""
        lib = os.path.join(self.ynl_dir, 'lib')
        if not os.path.exists(os.path.join(lib, 'nlspec.py')):
            return Skip(f'{lib}/nlspec.py missing (run tools/deps.sh)')
        sys.path.insert(0, self.ynl_dir)
        try:
            from lib.nlspec import SpecFamily
        except ImportError as e:
            return Skip(f'cannot import YNL: {e}')
        fam = SpecFamily(self.spec_path, schema_path='')
        ints, _, _, _ = spec_names(self.spec)
        errs = []
        pfx = c_upper(self.spec['operations'].get('name-prefix',
                                                  f"{fam.name}-cmd-"))
        for name, op in fam.msgs.items():
            mine = ints.get(pfx + c_upper(name))
            if op.value != mine:
                errs.append(f'command {name}: YNL says {op.value}, we say {mine}')
        for sname, aset in fam.attr_sets.items():
            y = next(s for s in self.spec['attribute-sets'] if s['name'] == sname)
            apfx = c_upper(y.get('name-prefix', f"{fam.name}-a-{sname}-"))
            for aname, attr in aset.attrs.items():
                mine = ints.get(apfx + c_upper(aname))
                if attr.value != mine:
                    errs.append(f'attribute {sname}.{aname}: YNL says '
                                f'{attr.value}, we say {mine}')
        for ename, enum in fam.consts.items():
            if not hasattr(enum, 'entries'):
                continue
            y = next(d for d in self.spec['definitions'] if d['name'] == ename)
            epfx = c_upper(y.get('name-prefix', f"{fam.name}-{ename}-"))
            for vname, entry in enum.entries.items():
                mine = ints.get(epfx + c_upper(vname))
                if entry.user_value() != mine:
                    errs.append(f'enum {ename}.{vname}: YNL says '
                                f'{entry.user_value()}, we say {mine}')
        if not fam.ntfs:
            errs.append('YNL sees no notifications in the spec')
        return errs

    def t_complete(self):
        """Every name of the header comes from the spec."""
        ints, strings, aliases, etypes = spec_names(self.spec)
        members, h_etypes, defines = header_inventory(self.header)
        known = set(ints) | set(strings)
        guard = '_UAPI_LINUX_' + c_upper(self.spec['name']) + '_H'
        errs = []
        for name in list(members) + defines:
            if name in known or name == guard:
                continue
            if name.endswith('_UNSPEC'):
                continue        # value 0, not rendered by YNL; checked below
            errs.append(f'{name} is in the header but not in the spec')
        unspec = [n for n in members if n.endswith('_UNSPEC')]
        if unspec:
            src = '#include <linux/midway.h>\n' + ''.join(
                f'_Static_assert({n} == 0, "{n} == 0");\n' for n in unspec)
            out = compile_c(self.gcc, src, self.incdir, self.tmp, 'unspec')
            errs += compile_errors(out) if out else []
        for t in h_etypes:
            if t not in etypes:
                errs.append(f'enum {t} is in the header but not in the spec')
        return errs

    def t_types(self):
        """Attribute types against the header's member comments."""
        members, _, _ = header_inventory(self.header)
        fam = self.spec['name']
        sets = {s['name']: s for s in self.spec['attribute-sets']}
        ops = self.spec['operations']['list']

        def set_prefix(sname):
            s = sets.get(sname, {'name': sname})
            return c_upper(s.get('name-prefix', f"{fam}-a-{s['name']}-"))

        def requests(op):
            return [(mode, op.get(mode, {}).get('request', {})
                     .get('attributes', [])) for mode in ('do', 'dump')]
        consts = {d['name']: d['value'] for d in self.spec.get('definitions', [])
                  if d['type'] == 'const'}
        enums = {c_upper(d.get('enum-name', f"{fam}-{d['name']}")).lower():
                 d['name'] for d in self.spec.get('definitions', [])
                 if d['type'] == 'enum'}

        def limit(v):
            return consts.get(v, v) if isinstance(v, str) else v

        errs = []
        for s in self.spec['attribute-sets']:
            pfx = c_upper(s.get('name-prefix', f"{fam}-a-{s['name']}-"))
            for a in s['attributes']:
                name = pfx + c_upper(a['name'])
                note = members.get(name)
                if not note and a['type'] == 'pad':
                    continue    # the pad of u64s: no comment needed
                if not note:
                    errs.append(f'{name}: no type comment in the header')
                    continue
                t = a['type']
                chk = a.get('checks', {})
                words = [w.strip() for w in note.split(',')]
                base = words[0]
                want = {'be32': ('u32', 'big-endian')}.get(base, (base, None))
                # "nest of MIDWAY_A_FOO nests": a nest of nests typed by
                # their index, each of the set MIDWAY_A_FOO_*.
                m = re.match(r'nest of (\w+) nests$', base)
                if m:
                    want = ('indexed-array', None)
                    if a.get('sub-type') != 'nest':
                        errs.append(f'{name}: header says "{base}", spec '
                                    f"sub-type is {a.get('sub-type')}")
                    inner = a.get('nested-attributes')
                    if set_prefix(inner) != m.group(1) + '_':
                        errs.append(f'{name}: header says "{base}", spec '
                                    f'nests attribute set {inner}')
                if (t, a.get('byte-order')) != want:
                    errs.append(f'{name}: header says "{note}", spec says '
                                f'{t} {a.get("byte-order", "")}'.rstrip())
                for w in words[1:]:
                    m = re.match(r'(\w+)_\*$', w)
                    if m and t == 'nest':
                        inner = a.get('nested-attributes')
                        if set_prefix(inner) != m.group(1) + '_':
                            errs.append(f'{name}: header says {w}, spec nests '
                                        f'attribute set {inner}')
                    m = re.match(r'(\d+) bytes$', w)
                    if m and limit(chk.get('exact-len')) != int(m.group(1)):
                        errs.append(f'{name}: header says {w}, spec exact-len '
                                    f'is {chk.get("exact-len")}')
                    m = re.match(r'(\w+)\.\.(\w+)$', w)
                    if m:
                        lo, hi = (int(x, 0) for x in m.groups())
                        if (limit(chk.get('min', 0)), limit(chk.get('max'))) != (lo, hi):
                            errs.append(f'{name}: header says {w}, spec '
                                        f'checks are {chk}')
                    m = re.match(r'enum (\w+)$', w)
                    if m and enums.get(m.group(1)) != a.get('enum'):
                        errs.append(f'{name}: header says {w}, spec enum is '
                                    f'{a.get("enum")}')
                    if w == 'read-only':
                        ops = [op for op in self.spec['operations']['list']
                               if op.get('attribute-set') == s['name']]
                        for op in ops:
                            for mode in ('do', 'dump'):
                                req = op.get(mode, {}).get('request', {})
                                if a['name'] in req.get('attributes', []):
                                    errs.append(f'{name} is read-only but in '
                                                f"the {op['name']} {mode} request")
                    # "DEL only": only in the requests of the set's -del
                    # command; "ROUTE_LOOKUP only": only in that command's.
                    m = re.match(r'(\w+) only$', w)
                    if m:
                        cmd = m.group(1)
                        mine = [op for op in ops
                                if op.get('attribute-set') == s['name']]
                        if cmd == 'DEL':
                            allowed = [op for op in mine
                                       if op['name'].endswith('-del')]
                        else:
                            allowed = [op for op in mine
                                       if c_upper(op['name']) == cmd]
                            if not allowed:
                                errs.append(f'{name}: header says {w}, but the '
                                            f'spec has no such command of '
                                            f"the {s['name']} set")
                        for op in mine:
                            used = any(a['name'] in attrs
                                       for _, attrs in requests(op))
                            if used and op not in allowed:
                                errs.append(f'{name} is {w} but in the '
                                            f"{op['name']} request")
                            elif not used and op in allowed:
                                errs.append(f'{name} is {w} but not in the '
                                            f"{op['name']} request")
        return errs

    def t_gen_uapi(self):
        """ynl-gen-c.py --mode uapi on the spec, against our header."""
        gen = os.path.join(self.ynl_dir, 'ynl-gen-c.py')
        schema = self.schema_path()
        if not os.path.exists(gen) or not os.path.exists(schema):
            return Skip('ynl-gen-c.py or its schema missing (run tools/deps.sh)')
        # The generator finds the schema next to the spec's directory and
        # the "kernel root" by a MAINTAINERS file above it: give it a tree.
        tree = os.path.join(self.tmp, 'ktree')
        specs = os.path.join(tree, 'Documentation/netlink/specs')
        os.makedirs(specs, exist_ok=True)
        open(os.path.join(tree, 'MAINTAINERS'), 'w').close()
        shutil.copy(schema, os.path.dirname(specs))
        spec = os.path.join(specs, os.path.basename(self.spec_path))
        shutil.copy(self.spec_path, spec)
        gdir = os.path.join(self.tmp, 'gen/linux')
        os.makedirs(gdir, exist_ok=True)
        out = os.path.join(gdir, 'midway.h')
        r = subprocess.run([sys.executable, gen, '--mode', 'uapi', '--header',
                            '--spec', spec, '-o', out],
                           capture_output=True, text=True, timeout=120)
        if r.returncode:
            return ['ynl-gen-c.py failed:'] + (r.stdout + r.stderr).splitlines()

        # Name and value of everything in both headers. They use the same
        # names, so each is compiled alone into a program printing them.
        g_members, g_etypes, g_defines = header_inventory(out)
        o_members, o_etypes, o_defines = header_inventory(self.header)
        names = sorted(set(g_members) | set(o_members))
        errs = []
        vals = {}
        for tag, inc in (('ours', self.incdir), ('generated', os.path.dirname(gdir))):
            members = o_members if tag == 'ours' else g_members
            src = ['#include <stdio.h>', '#include <linux/midway.h>',
                   'int main(void) {']
            src += [f'printf("{n} %lld\\n", (long long){n});'
                    for n in names if n in members]
            hdr = self.header if tag == 'ours' else out
            for n, v in header_macros(self.gcc, hdr).items():
                if n not in (o_defines if tag == 'ours' else g_defines):
                    continue
                if v.startswith('"'):
                    src.append(f'printf("{n} %s\\n", {n});')
                elif v and not n.startswith('_'):
                    src.append(f'printf("{n} %lld\\n", (long long){n});')
            src += ['return 0; }']
            exe = os.path.join(self.tmp, f'dump-{tag}')
            cpath = exe + '.c'
            with open(cpath, 'w') as f:
                f.write('\n'.join(src) + '\n')
            c = subprocess.run([self.gcc, '-std=gnu11', '-Wall', '-Werror',
                                '-I', inc, '-o', exe, cpath],
                               capture_output=True, text=True)
            if c.returncode:
                return [f'the {tag} header does not compile:'] + \
                    compile_errors(c.stderr)
            run = subprocess.run([exe], capture_output=True, text=True, check=True)
            vals[tag] = dict(l.split() for l in run.stdout.splitlines())
        ours, gen_v = vals['ours'], vals['generated']
        for n in sorted(set(ours) | set(gen_v)):
            if n in ours and n in gen_v:
                if ours[n] != gen_v[n]:
                    errs.append(f'{n}: ours {ours[n]}, generated {gen_v[n]}')
            elif n in ours:
                if not n.endswith('_UNSPEC'):
                    errs.append(f'{n} = {ours[n]} is not generated from the spec')
            else:
                base = n[:-len('_NTF')] if n.endswith('_NTF') else None
                if base is None or base not in ours:
                    errs.append(f'{n} = {gen_v[n]} is generated but not in ours')
                elif ours[base] != gen_v[n]:
                    errs.append(f'{n} = {gen_v[n]}, but {base} = {ours[base]}')
        for t in set(o_etypes) ^ set(g_etypes):
            errs.append(f'enum {t} is only in one of the headers')
        if self.args.verbose:
            diag(f'compared {len(set(ours) & set(gen_v))} names with the '
                 f'generated header')
        return errs

    def t_can_fail(self):
        """A copy of the spec with one attribute renumbered must be caught."""
        bad = copy.deepcopy(self.spec)
        victim = bad['attribute-sets'][-1]['attributes'][-1]
        victim['value'] = victim.get('value', 0) + 40
        out = compile_c(self.gcc, static_asserts(bad), self.incdir, self.tmp,
                        'mutant')
        if out is None:
            return [f"renumbering {bad['attribute-sets'][-1]['name']}."
                    f"{victim['name']} went unnoticed"]
        bad = copy.deepcopy(self.spec)
        bad['operations']['list'].insert(0, {'name': 'frob', 'doc': 'x',
                                             'attribute-set': 'router',
                                             'do': {}})
        out = compile_c(self.gcc, static_asserts(bad), self.incdir, self.tmp,
                        'mutant2')
        if out is None:
            return ['inserting a command at the top went unnoticed']
        return []


def main():
    p = argparse.ArgumentParser(description='Check the midway YNL spec '
                                'against the uapi header.')
    p.add_argument('--spec', default=os.path.join(
        ROOT, 'Documentation/netlink/specs/midway.yaml'))
    p.add_argument('--header', default=os.path.join(ROOT, 'uapi/linux/midway.h'))
    p.add_argument('--linux-src', default=os.environ.get(
        'MW_LINUX_SRC', os.path.join(ROOT, 'build/linux-src')),
        help='tree holding the kernel YNL tools and schemas (build/linux-src)')
    p.add_argument('-v', '--verbose', action='store_true')
    args = p.parse_args()

    missing = []
    if yaml is None:
        missing.append(f'PyYAML for {sys.executable} (python3-yaml; use /usr/bin/python3)')
    if not (shutil.which(os.environ.get('CC', 'gcc')) or shutil.which('gcc')):
        missing.append('gcc')
    if missing:
        print('TAP version 13')
        print('1..0 # SKIP missing ' + ', '.join(missing))
        return KSFT_SKIP

    c = Checks(args)
    tap = Tap(args.verbose)
    tap.add('spec parses', c.t_parse)
    tap.add('spec is valid against the YNL schema of its protocol', c.t_schema)
    tap.add('spec names and values hold in the header (_Static_assert)', c.t_values)
    tap.add('family, version and multicast group strings match', c.t_strings)
    tap.add('YNL numbers attributes and commands as we do', c.t_nlspec)
    tap.add('every name in the header is in the spec', c.t_complete)
    tap.add('attribute types match the header comments', c.t_types)
    tap.add('ynl-gen-c uapi header agrees with ours', c.t_gen_uapi)
    tap.add('a renumbered spec is caught', c.t_can_fail)

    # Later checks need the parsed spec; stop early if it does not parse.
    try:
        with open(args.spec) as f:
            yaml.safe_load(f)
    except (OSError, yaml.YAMLError) as e:
        print('TAP version 13')
        print('1..1')
        print(f'not ok 1 - spec parses')
        print(f'#   {e}')
        return KSFT_FAIL
    try:
        return tap.run()
    finally:
        shutil.rmtree(c.tmp, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
