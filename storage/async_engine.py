"""SQLAlchemy's asyncio engine, without the ORM that its package imports.

`sqlalchemy.ext.asyncio/__init__` re-exports `AsyncSession` and so imports the whole ORM
(measured: 6.5 MiB RSS of the 7.8 the package costs). chatwire uses Core only: the engine,
its connections and results. Their modules do not import the ORM, so they are loaded here
without running the package's `__init__`; anyone who later imports the package itself
still gets the complete one. If the layout ever changes, the plain import is used.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import TYPE_CHECKING

PACKAGE = "sqlalchemy.ext.asyncio"


def _engine_module() -> types.ModuleType:
    """`sqlalchemy.ext.asyncio.engine`, loaded without its package's `__init__` if it can be."""
    if PACKAGE in sys.modules:  # someone imported the whole package already
        return importlib.import_module(PACKAGE + ".engine")
    import sqlalchemy.ext

    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return importlib.import_module(PACKAGE)
    placeholder = types.ModuleType(PACKAGE)
    placeholder.__path__ = list(spec.submodule_search_locations)
    placeholder.__package__ = PACKAGE
    sys.modules[PACKAGE] = placeholder
    try:
        return importlib.import_module(PACKAGE + ".engine")
    except ImportError:
        sys.modules.pop(PACKAGE, None)
        return importlib.import_module(PACKAGE)
    finally:
        # Forget the placeholder: a later `import sqlalchemy.ext.asyncio` runs the real
        # `__init__`, which reuses the submodules loaded here.
        if sys.modules.get(PACKAGE) is placeholder:
            del sys.modules[PACKAGE]
        if getattr(sqlalchemy.ext, "asyncio", None) is placeholder:
            delattr(sqlalchemy.ext, "asyncio")


if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
else:
    _engine = _engine_module()
    AsyncConnection = _engine.AsyncConnection
    AsyncEngine = _engine.AsyncEngine
    create_async_engine = _engine.create_async_engine

__all__ = ["AsyncConnection", "AsyncEngine", "create_async_engine"]
