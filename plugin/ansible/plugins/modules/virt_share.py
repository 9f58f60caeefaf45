#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: the virt-share authors
# GNU General Public License v2.0 or later (see COPYING or https://www.gnu.org/licenses/gpl-2.0.txt)
# SPDX-License-Identifier: GPL-2.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: virt_share
short_description: Share a host folder with a libvirt domain and mount it in the guest
version_added: "0.1.1"
description:
  - Drives the C(virt-share) command installed on the managed host through its
    C(--json) output; it never edits domain XML itself.
  - C(virt-share add --exist-ok) and C(virt-share remove --exist-ok) make a second
    identical run report C(changed=false).
  - A failure reports virt-share's message and exit status; virt-share leaves
    the domain as it was.
options:
  domain:
    description: Name, UUID or id of the libvirt domain.
    type: str
    required: true
  path:
    description:
      - The host folder to share (on the managed host).
      - With O(state=absent) also a mount tag.
    type: path
    required: true
  target:
    description:
      - Mount point in the guest.
      - Default is the same path as on the host (virt-share refuses a system directory as default).
    type: str
  driver:
    description: Transport; C(auto) lets virt-share choose (see virt-share(1), DRIVER CHOICE).
    type: str
    choices: [auto, 9p, virtiofs]
    default: auto
  mode:
    description: Access mode; default is the driver's (squash for 9p, passthrough for virtiofs).
    type: str
    choices: [passthrough, mapped, squash]
  readonly:
    description: Share read-only.
    type: bool
    default: false
  persist:
    description:
      - Also write the share into the guest's C(/etc/fstab) (C(virt-share add --persist)).
      - Only used when the share is added; virt-share does not compare it for a share already there.
    type: bool
    default: false
  state:
    description:
      - C(present) attaches the share without touching the guest's mounts.
      - C(mounted) attaches it and mounts it in the guest.
      - C(unmounted) attaches it and unmounts it in the guest (the watcher then leaves it alone).
      - C(absent) unmounts and detaches it.
    type: str
    choices: [present, absent, mounted, unmounted]
    default: mounted
  restart:
    description:
      - C(if_needed) restarts a running domain when the share cannot be hot-plugged (9p),
        so that it appears and is mounted.
      - C(never) leaves that to you; the result then has RV(restart_needed=true).
    type: str
    choices: [never, if_needed]
    default: never
  uri:
    description: The libvirt connection URI (C(virt-share -c)); default is virt-share's.
    type: str
requirements:
  - virt-share on the managed host
notes:
  - Check mode runs C(virt-share add --dry-run), which makes every check add makes and changes nothing.
  - With C(--diff) the device and the guest mount before and after are shown, from C(virt-share status --json).
attributes:
  check_mode:
    support: full
    description: Through virt-share's dry run.
  diff_mode:
    support: full
    description: The share's device and its mount in the guest.
author:
  - The virt-share authors (@virt-share)
'''

EXAMPLES = r'''
- name: Share /srv/data with vm1 and mount it at /mnt/data
  virtshare.libvirt.virt_share:
    domain: vm1
    path: /srv/data
    target: /mnt/data

- name: A read-only 9p share, restarting vm2 if it runs
  virtshare.libvirt.virt_share:
    domain: vm2
    path: /srv/iso
    driver: 9p
    readonly: true
    restart: if_needed

- name: Remove it again
  virtshare.libvirt.virt_share:
    domain: vm1
    path: /srv/data
    state: absent
'''

RETURN = r'''
share:
  description: The share as C(virt-share status --json) reports it after the task (in check mode, as it would be); null when absent.
  returned: always
  type: dict
  sample:
    domain: vm1
    tag: vs-data-1a2b3c4d
    source: /srv/data
    target: /mnt/data
    driver: virtiofs
    mode: passthrough
    readonly: false
    config: true
    live: true
    state: attached
    guest: mounted
    mount_point: /mnt/data
    mount_options: rw,relatime
    automount: true
restart_needed:
  description: The share appears in the guest only after the domain restarts.
  returned: always
  type: bool
  sample: false
commands:
  description: The virt-share command lines that changed or would change something.
  returned: always
  type: list
  elements: list
rc:
  description: virt-share's exit status, on failure.
  returned: failed
  type: int
  sample: 1
stderr:
  description: virt-share's standard error, on failure.
  returned: failed
  type: str
'''

import json
import os

from ansible.module_utils.basic import AnsibleModule


class VirtShare(object):
    def __init__(self, module):
        self.module = module
        self.base = [module.get_bin_path('virt-share', required=True)]
        if module.params['uri']:
            self.base += ['-c', module.params['uri']]
        self.commands = []

    def run(self, args, changes=False):
        """Run virt-share with args; fail the task with its message and exit status."""
        cmd = self.base + args
        if changes:
            self.commands.append(cmd)
        rc, out, err = self.module.run_command(cmd)
        if rc != 0:
            msg = err.strip() or out.strip() or 'virt-share failed'
            self.module.fail_json(msg=msg, rc=rc, stdout=out, stderr=err, cmd=cmd,
                                  commands=self.commands)
        return out

    def run_json(self, args, changes=False):
        out = self.run(args, changes)
        try:
            return json.loads(out)
        except ValueError as e:
            self.module.fail_json(msg='virt-share printed no JSON document: %s' % e, stdout=out,
                                  cmd=self.base + args)

    def status(self):
        """The share as status reports it, or None."""
        p = self.module.params
        doc = self.run_json(['status', p['domain'], '--json'])
        wanted = set([p['path'], os.path.realpath(p['path'])])
        for share in doc.get('shares', []):
            if share.get('source') in wanted or share.get('tag') == p['path']:
                return share
        return None


def add_args(p):
    args = ['add', p['domain'], p['path'], '--exist-ok', '--json']
    if p['target']:
        args += ['--target', p['target']]
    if p['driver'] != 'auto':
        args += ['--driver', p['driver']]
    if p['mode']:
        args += ['--mode', p['mode']]
    if p['readonly']:
        args.append('--readonly')
    if p['persist']:
        args.append('--persist')
    if p['state'] != 'mounted':
        args.append('--no-mount')
    if p['restart'] == 'if_needed':
        args.append('--restart')
    return args


def view(share):
    """What --diff shows: the device and the guest mount."""
    if share is None:
        return 'absent\n'
    device = dict((k, share.get(k)) for k in
                  ('tag', 'source', 'driver', 'mode', 'readonly', 'config', 'live', 'state',
                   'target', 'automount'))
    mount = dict((k, share.get(k)) for k in ('guest', 'mount_point', 'mount_options'))
    return json.dumps({'device': device, 'guest_mount': mount}, indent=2, sort_keys=True) + '\n'


def ensure(vs, p, before, check):
    """Bring the share to p['state']; whether that changed (or would change) anything,
    and in check mode the share as it would be."""
    if p['state'] == 'absent':
        if before is None:
            return False, None
        args = ['remove', p['domain'], p['path'], '--exist-ok', '--json']
        if check:
            vs.commands.append(vs.base + args)
        else:
            vs.run_json(args, True)
        return True, None

    doc = vs.run_json(add_args(p) + (['--dry-run'] if check else []), True)
    changed = doc['changed']
    if not changed:
        vs.commands.pop()
    if not check:
        share = vs.status()
    elif changed:
        share = dict(doc['share'])
        # add mounts a share it attaches live, unless told not to
        if share['state'] == 'attached' and p['state'] == 'mounted':
            share['guest'] = 'mounted'
    else:
        share = dict(before)
    if share is None:
        vs.module.fail_json(msg='virt-share add succeeded but status does not show the share',
                            commands=vs.commands)
    if p['state'] == 'mounted':
        if share['state'] == 'pending-restart' and p['restart'] == 'if_needed':
            changed = True
            if not check:
                vs.run(['restart', p['domain']], True)
            share['state'], share['live'], share['guest'] = 'attached', True, 'mounted'
        elif share['state'] == 'attached' and share.get('guest') in ('not-mounted', 'unknown'):
            changed = True
            if not check:
                vs.run(['mount', p['domain'], share['tag']], True)
            share['guest'] = 'mounted'
    elif p['state'] == 'unmounted' and share.get('guest') == 'mounted':
        changed = True
        if not check:
            vs.run(['umount', p['domain'], share['tag']], True)
        share['guest'] = 'not-mounted'
    return changed, share


def main():
    module = AnsibleModule(
        argument_spec=dict(
            domain=dict(type='str', required=True),
            path=dict(type='path', required=True),
            target=dict(type='str'),
            driver=dict(type='str', default='auto', choices=['auto', '9p', 'virtiofs']),
            mode=dict(type='str', choices=['passthrough', 'mapped', 'squash']),
            readonly=dict(type='bool', default=False),
            persist=dict(type='bool', default=False),
            state=dict(type='str', default='mounted',
                       choices=['present', 'absent', 'mounted', 'unmounted']),
            restart=dict(type='str', default='never', choices=['never', 'if_needed']),
            uri=dict(type='str'),
        ),
        supports_check_mode=True,
    )
    p = module.params
    vs = VirtShare(module)
    before = vs.status()
    changed, predicted = ensure(vs, p, before, module.check_mode)
    after = predicted if module.check_mode else vs.status()
    result = dict(changed=changed, share=after, commands=vs.commands,
                  restart_needed=bool(after and after.get('state') == 'pending-restart'))
    if module._diff:
        result['diff'] = dict(before=view(before), after=view(after),
                              before_header='%s %s' % (p['domain'], p['path']),
                              after_header='%s %s' % (p['domain'], p['path']))
    module.exit_json(**result)


if __name__ == '__main__':
    main()
