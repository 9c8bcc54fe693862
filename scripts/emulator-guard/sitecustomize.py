# Python runs this at start-up when this directory is on PYTHONPATH (scripts/emulator.sh, the compose emulator
# service and the testcontainers helper put it there). In a MiniStack process it puts emulator_guard.guard around
# the ASGI app as `ministack.app` is imported, before any server takes it; in any other Python (LocalStack's image
# gets the same mount and variable) it does nothing but run the sitecustomize this one shadows, if there is one.
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))


class _GuardMiniStack(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name != "ministack.app":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        exec_module = spec.loader.exec_module

        def exec_guarded(module):
            exec_module(module)
            from emulator_guard import guard
            module.app = guard(module.app)

        spec.loader.exec_module = exec_guarded
        return spec


sys.meta_path.insert(0, _GuardMiniStack())

# The sitecustomize this file hides (the interpreter's own, e.g. Debian's), found on the rest of sys.path.
_others = [entry for entry in sys.path if os.path.abspath(entry or ".") != _HERE]
_shadowed = importlib.machinery.PathFinder.find_spec("sitecustomize", _others)
if _shadowed is not None and _shadowed.loader is not None:
    _shadowed.loader.exec_module(importlib.util.module_from_spec(_shadowed))
