#!/usr/bin/python3
"""atspi.py: drive virt-share-desktop from outside, through AT-SPI, by role
and accessible name, as a screen reader or a UI test would (tests/gui/run.sh).

    atspi.py [-t SECONDS] COMMAND ARGS... [-- COMMAND ARGS...]...

Each command waits (polling, at most -t seconds, default $ATSPI_TIMEOUT or
30) for its condition; a condition not met in time is a failure: exit 1 with
what was looked for and the texts shown.  Several commands may be chained
with "--" (one AT-SPI connection for all); "-t SECONDS" may open each.

A SPEC is [WINDOW::][VM//|ROW>>]ROLE:NAME: NAME a glob on the accessible
name ("push button:Share a Folder…", "list item:*/docs*"), ROLE an AT-SPI
role name or *; scoped to
    WINDOW::          the windows (frame, dialog) whose name WINDOW (a glob) matches
                      (!WINDOW:: the others: a dialog, not the main window)
    VM//              the group of the VM named VM (its title and its list)
    ROW>>             the rows (list items) that show the text ROW
Only objects on the screen count.

Commands:
    wait SPEC             until SPEC is shown (and sensitive)
    gone SPEC             until no SPEC is shown
    text SPEC TEXT        until SPEC or an object under it has TEXT in its name
    no-text SPEC TEXT     until nothing under SPEC has TEXT in its name
    click SPEC            its first action (a click) through the Action interface
    set SPEC TEXT         replace an entry's text (EditableText)
    has SPEC TEXT         until the entry SPEC holds TEXT
    key KEY...            key presses through the registry (Tab, Return, Escape,
                          space, arrows, a character; "ctrl+q"; "text:abc"
                          types a string)
    focused SPEC          until the focused object is SPEC
    tab-to SPEC           press Tab until SPEC has the focus (at most 40)
    idle                  until no window of the program is busy
    names WINDOW          every control in WINDOW has a name, and not one read
                          twice with its mnemonic's underline (lists the offenders)
    dump [WINDOW]         print the tree (roles, names, states)
    stall-watch FILE      (runs until killed) ask the program for its window
                          every 0.2 s; FILE gets the longest answer time
"""
import fnmatch
import os
import sys
import time

import pyatspi
from pyatspi import Registry

APP = os.environ.get("ATSPI_APP", "virt-share-desktop")
POLL = 0.15
TIMEOUT = 30

CONTROL_ROLES = {
    "push button", "toggle button", "check box", "radio button", "menu item",
    "check menu item", "radio menu item", "combo box", "text", "entry",
    "password text", "spin button", "slider", "switch", "link", "page tab",
}


class Fail(Exception):
    pass


def role(a):
    try:
        return a.getRoleName()
    except Exception:
        return ""


def name(a):
    try:
        return a.name or ""
    except Exception:
        return ""


def states(a):
    try:
        return a.getState()
    except Exception:
        return None


def showing(a):
    """On the screen.  GTK 4.8 marks only windows "showing"; its widgets are
    "visible" even on a stack's hidden page, which has no size."""
    s = states(a)
    if s is None:
        return False
    if s.contains(pyatspi.STATE_SHOWING):
        return True
    if not s.contains(pyatspi.STATE_VISIBLE):
        return False
    try:
        e = a.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    except Exception:
        return True         # no Component (a stack page): its children tell
    return e.width > 0 and e.height > 0


def children(a):
    try:
        n = a.childCount
    except Exception:
        return []
    out = []
    for i in range(n):
        try:
            c = a.getChildAtIndex(i)
        except Exception:
            c = None
        if c is not None:
            out.append(c)
    return out


def walk(a, hidden=False):
    """a and the showing objects under it (depth first)."""
    stack = [a]
    while stack:
        x = stack.pop()
        if not hidden and x is not a and not showing(x):
            continue
        yield x
        stack.extend(reversed(children(x)))


def app():
    desk = Registry.getDesktop(0)
    for a in children(desk):
        if name(a) == APP:
            return a
    return None


def windows():
    a = app()
    return [w for w in children(a) if showing(w)] if a else []


def parse(spec):
    """(window glob or None, scope kind, scope arg, role, name glob)"""
    win = None
    if "::" in spec:
        win, spec = spec.split("::", 1)
    kind = arg = None
    if ">>" in spec:        # the last: a row's text may end with '>'
        arg, spec = spec.rsplit(">>", 1)
        kind = "row"
    elif "//" in spec:
        arg, spec = spec.split("//", 1)
        kind = "vm"
    r, _, n = spec.partition(":")
    return win, kind, arg, r, n


def matches(a, r, n):
    return (r in ("", "*") or role(a) == r) and fnmatch.fnmatchcase(name(a), n or "*")


def roots(win, kind, arg):
    """The objects a scoped SPEC searches under."""
    wins = windows()
    if win is not None and win.startswith("!"):
        wins = [w for w in wins if not fnmatch.fnmatchcase(name(w), win[1:])]
    elif win is not None:
        wins = [w for w in wins if fnmatch.fnmatchcase(name(w), win)]
    if kind is None:
        return wins
    if kind == "row":
        # The rows (list items) that name ARG or show it.
        return [x for w in wins for x in walk(w)
                if role(x) == "list item" and any(arg in name(y) for y in walk(x))]
    # vm: the lowest ancestor of the group's title (a label) that holds the
    # group's list (named by the title too).
    out = []
    for w in wins:
        for x in walk(w):
            if role(x) == "label" and name(x) == arg:
                p = x.parent
                while p is not None and p != w:
                    if any(role(y) == "list" and name(y) == arg for y in walk(p)):
                        out.append(p)
                        break
                    p = p.parent
    return out


def find_all(spec):
    win, kind, arg, r, n = parse(spec)
    return [x for root in roots(win, kind, arg) for x in walk(root) if matches(x, r, n)]


def find(spec):
    found = find_all(spec)
    return found[0] if found else None


def shown_texts():
    out = []
    for w in windows():
        out.append("[%s] %s" % (role(w), name(w)))
        for x in walk(w):
            if x is not w and role(x) in ("label", "push button", "list item", "text", "heading"):
                if name(x):
                    out.append("  %s: %s" % (role(x), name(x)))
    return "\n".join(out)


def until(what, cond, timeout):
    deadline = time.monotonic() + timeout
    while True:
        try:
            v = cond()
        except Exception:           # an object gone while read: try again
            v = None
        if v:
            return v
        if time.monotonic() > deadline:
            raise Fail("timed out (%g s) waiting for %s; shown:\n%s" % (timeout, what, shown_texts()))
        time.sleep(POLL)


def text_of(a):
    t = a.queryText()
    return t.getText(0, t.characterCount)


def sensitive(a):
    s = states(a)
    return s is not None and s.contains(pyatspi.STATE_SENSITIVE)


def actions(a):
    try:
        return a.queryAction().nActions
    except Exception:
        return 0


def do_action(a):
    act = a.queryAction()
    if act.nActions < 1:
        raise Fail("%s '%s' has no action" % (role(a), name(a)))
    act.doAction(0)


# X keysyms of the keys the tests press; a character stands for itself.
KEYSYMS = {"Tab": 0xff09, "Return": 0xff0d, "Escape": 0xff1b, "space": 0x20, "BackSpace": 0xff08,
           "Left": 0xff51, "Up": 0xff52, "Right": 0xff53, "Down": 0xff54, "Home": 0xff50,
           "End": 0xff57, "F10": 0xffc7, "F1": 0xff3e, "Delete": 0xffff}
# The modifiers' key codes in the X server's keymap (evdev's, Xvfb's default):
# held down around the key (locked modifiers do not reach GTK's shortcuts).
MODS = {"ctrl": 37, "shift": 50, "alt": 64}


def press(combo):
    """A key press (and release) as the keyboard would send it."""
    if combo.startswith("text:"):
        Registry.generateKeyboardEvent(0, combo[5:], pyatspi.KEY_STRING)
        time.sleep(0.2)
        return
    parts = combo.split("+")
    for m in parts[:-1]:
        if m not in MODS:
            raise Fail("unknown modifier " + m)
    key = parts[-1]
    sym = KEYSYMS.get(key, ord(key) if len(key) == 1 else None)
    if sym is None:
        raise Fail("unknown key " + key)
    for m in parts[:-1]:
        Registry.generateKeyboardEvent(MODS[m], None, pyatspi.KEY_PRESS)
    Registry.generateKeyboardEvent(sym, None, pyatspi.KEY_SYM)
    for m in reversed(parts[:-1]):
        Registry.generateKeyboardEvent(MODS[m], None, pyatspi.KEY_RELEASE)
    time.sleep(0.15)


def focused():
    """The focus of the active window (an inactive one keeps its own)."""
    wins = windows()
    active = [w for w in wins if states(w) is not None and states(w).contains(pyatspi.STATE_ACTIVE)]
    for w in active or wins:
        for x in walk(w):
            s = states(x)
            if s is not None and s.contains(pyatspi.STATE_FOCUSED):
                return x
    return None


def busy():
    for w in windows():
        for x in walk(w):
            s = states(x)
            if s is not None and s.contains(pyatspi.STATE_BUSY):
                return True
    return False


def twice(n):
    k = len(n) // 2
    return len(n) % 2 == 1 and n[k] == " " and n[:k] == n[k + 1:]


def check_names(spec):
    """Every control under the window @spec names has a name; the offenders."""
    wins = until("the window " + spec, lambda: roots(spec, None, None), TIMEOUT)
    bad = []
    for x in walk(wins[0]):
        r = role(x)
        acts = False
        if r == "list item":
            try:
                acts = x.queryAction().nActions > 0
            except Exception:
                acts = False
        if (r in CONTROL_ROLES or acts) and not name(x).strip():
            path, p = [], x.parent
            while p is not None and role(p) != "application":
                if name(p):
                    path.append("%s '%s'" % (role(p), name(p)))
                    break
                p = p.parent
            bad.append("%s (in %s)" % (r, ", ".join(path) or "?"))
        # A mnemonic's underline read out ("_Share Share"): a wrong name.
        elif r in CONTROL_ROLES and "_" in name(x) and twice(name(x).replace("_", "")):
            bad.append("%s '%s' (its label read twice, with the mnemonic's underline)" % (r, name(x)))
    return bad


def dump(a, depth=0):
    s = states(a)
    flags = []
    if s is not None:
        for st, f in ((pyatspi.STATE_FOCUSED, "focused"), (pyatspi.STATE_SENSITIVE, ""),
                      (pyatspi.STATE_BUSY, "busy"), (pyatspi.STATE_CHECKED, "checked")):
            if f and s.contains(st):
                flags.append(f)
        if not s.contains(pyatspi.STATE_SENSITIVE):
            flags.append("insensitive")
    try:
        acts = a.queryAction()
        acts = [acts.getName(i) for i in range(acts.nActions)]
    except Exception:
        acts = []
    print("%s[%s] %r%s%s" % ("  " * depth, role(a), name(a), " {%s}" % ",".join(flags) if flags else "",
                              " actions=%s" % acts if acts else ""))
    for c in children(a):
        if showing(c):
            dump(c, depth + 1)


def stall_watch(path):
    """A main loop that does not run answers late: the longest answer time
    since FILE was last removed, in FILE."""
    from gi.repository import Atspi
    Atspi.set_timeout(120000, 120000)   # 800 ms by default: a stall would only fail fast
    longest = 0.0
    while True:
        if not os.path.exists(path):
            longest = -1.0
        a = app()
        t = time.monotonic()
        try:
            if a is not None:
                for w in children(a):
                    name(w)
                    states(w)
        except Exception:
            pass
        d = time.monotonic() - t
        if d > longest:
            longest = d
            with open(path + ".tmp", "w") as f:
                f.write("%.2f\n" % longest)
            os.replace(path + ".tmp", path)
        time.sleep(0.2)


def run(cmd, args, timeout):
    if cmd == "wait":
        until(args[0], lambda: any(sensitive(x) for x in find_all(args[0])), timeout)
    elif cmd == "gone":
        until("no " + args[0], lambda: not find_all(args[0]), timeout)
    elif cmd in ("text", "no-text"):
        def has():
            return any(args[1] in name(y) for x in find_all(args[0]) for y in walk(x))
        if cmd == "text":
            until("'%s' in %s" % (args[1], args[0]), has, timeout)
        else:
            until("no '%s' in %s" % (args[1], args[0]), lambda: not has(), timeout)
    elif cmd == "click":
        # A menu button holds the button that acts: the first match that can.
        w = until(args[0], lambda: next((x for x in find_all(args[0]) if sensitive(x) and actions(x)),
                                        None), timeout)
        do_action(w)
    elif cmd == "set":
        w = until(args[0], lambda: find(args[0]), timeout)
        w.queryEditableText().setTextContents(args[1])
        until("'%s' set in %s" % (args[1], args[0]), lambda: text_of(w) == args[1], timeout)
    elif cmd == "has":
        # The entry SPEC holds TEXT.
        until("'%s' in the entry %s" % (args[1], args[0]),
              lambda: any(text_of(x) == args[1] for x in find_all(args[0])), timeout)
    elif cmd == "key":
        for k in args:
            press(k)
    elif cmd == "tab-to":
        # Tab (keyboard only) until SPEC has the focus.
        for _ in range(40):
            f = focused()
            if f is not None and any(f == x for x in find_all(args[0])):
                return
            press("Tab")
        raise Fail("40 Tabs never reached %s (focus on %s '%s')" % (args[0], role(focused()), name(focused())))
    elif cmd == "focused":
        until("focus on " + args[0], lambda: (lambda f: f is not None and any(
            f == x for x in find_all(args[0])))(focused()), timeout)
    elif cmd == "idle":
        until("the program idle", lambda: windows() and not busy(), timeout)
    elif cmd == "names":
        bad = check_names(args[0])
        if bad:
            raise Fail("controls without a (right) accessible name in %s:\n  %s" % (args[0], "\n  ".join(bad)))
    elif cmd == "dump":
        for w in windows():
            if not args or fnmatch.fnmatchcase(name(w), args[0]):
                dump(w)
    elif cmd == "stall-watch":
        stall_watch(args[0])
    else:
        raise Fail("unknown command " + cmd)


def main(argv):
    timeout = float(os.environ.get("ATSPI_TIMEOUT", "30"))
    if len(argv) > 1 and argv[0] == "-t":
        timeout = float(argv[1])
        argv = argv[2:]
    steps, cur = [], []
    for a in argv:
        if a == "--":
            steps.append(cur)
            cur = []
        else:
            cur.append(a)
    steps.append(cur)
    global TIMEOUT
    TIMEOUT = timeout
    for s in steps:
        t = timeout
        if len(s) > 2 and s[0] == "-t":     # this command's own bound
            t = float(s[1])
            s = s[2:]
        if not s:
            continue
        try:
            run(s[0], s[1:], t)
        except Fail as e:
            print("atspi: FAIL %s: %s" % (" ".join(s), e), file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
