"""The ``sc2d`` command: a thin layer over the public API.

Commands are loaded lazily (each lives in its own module of
:mod:`sc2d.cli`), so ``sc2d vdp`` never imports matplotlib. Every command
takes ``--json``; a user's mistake ends with one line on stderr and a non-zero
exit status (2), never a traceback. ``--debug`` anywhere on the command line
(or ``SC2D_DEBUG=1``) shows the traceback instead.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from .. import __version__

#: command name -> (module, attribute, one-line help)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "inspect": ("sc2d.cli.inspect_cmd", "inspect", "Show what sc2d reads from a file."),
    "vdp": ("sc2d.cli.vdp_cmd", "vdp", "Sheet resistance from two Van der Pauw resistances."),
    "tc": ("sc2d.cli.tc_cmd", "tc", "Tc at stated criteria from R(T) (one per field/gate step)."),
    "hall": ("sc2d.cli.hall_cmd", "hall", "Carrier density, sign and mobility from R_xy(B)."),
    "iv": ("sc2d.cli.iv_cmd", "iv", "Critical current, V ~ I^alpha and T_BKT from I-V curves."),
    "bkt": ("sc2d.cli.bkt_cmd", "bkt", "Halperin-Nelson fit and linearisation of R(T)."),
    "hc2": ("sc2d.cli.hc2_cmd", "hc2", "Hc2(T), GL coherence length, thickness, Pauli limit."),
    "gate": ("sc2d.cli.gate_cmd", "gate", "Gate series: Tc dome, n_s, mobility and Ic vs V_G."),
    "simulate": ("sc2d.cli.simulate_cmd", "simulate", "Synthetic data from the forward model."),
    "report": ("sc2d.cli.report_cmd", "report", "Run every analysis of a sample set; HTML + JSON."),
    "demo": ("sc2d.cli.report_cmd", "demo", "Simulate the reference study and report on it."),
}


class LazyGroup(click.Group):
    """A click group that imports a command's module only when it runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, attr, _ = COMMANDS[cmd_name]
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:  # a command not built yet
            if exc.name == module:
                return None
            raise
        return getattr(mod, attr)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sc2d")
def cli() -> None:
    """sc2d: transport analysis of two-dimensional superconductors.

    Every command takes --json (one JSON object on stdout). Add --debug to
    see a traceback when something fails.
    """


def _one_line(msg: str) -> str:
    return " ".join(str(msg).split())


#: environment variables through which a user chooses OpenBLAS's thread count
_BLAS_THREAD_VARS = ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS")


def _single_blas_thread() -> None:
    """Run numpy's OpenBLAS on one thread in this process, unless the user chose.

    sc2d parallelises over curves and samples itself (threads in
    :func:`sc2d.transition.tc_family`, ``--workers`` processes), and its
    linear algebra is on matrices of a few columns, where BLAS threads give
    nothing. Left to itself OpenBLAS starts a thread per core when numpy is
    imported, and those threads busy-wait for about 0.1 s: on a 2-core
    laptop they take a core from the file parser (measured: 0.07 CPU-s and
    ~20 ms of wall time of ``sc2d tc`` on a 2M-row file). Only possible
    before numpy is imported; a variable the user set is left as it is, and
    ``--workers`` processes inherit the choice (no oversubscription).
    """
    if "numpy" in sys.modules or any(v in os.environ for v in _BLAS_THREAD_VARS):
        return
    os.environ["OPENBLAS_NUM_THREADS"] = "1"


def main(argv: list[str] | None = None) -> Any:
    """Entry point of the ``sc2d`` console script."""
    _single_blas_thread()
    from ..errors import Sc2dError

    args = list(sys.argv[1:] if argv is None else argv)
    debug = os.environ.get("SC2D_DEBUG", "") not in ("", "0")
    if "--debug" in args:
        debug = True
        args = [a for a in args if a != "--debug"]
    prog = "sc2d"
    sub = next((a for a in args if not a.startswith("-")), "")
    if sub in COMMANDS:
        prog = f"sc2d {sub}"
    try:
        return cli.main(args=args, prog_name="sc2d", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo(f"{prog}: aborted", err=True)
        sys.exit(130)
    except click.UsageError as exc:
        if debug:
            raise
        hint = f" (see '{prog} --help')"
        click.echo(f"{prog}: error: {_one_line(exc.format_message())}{hint}", err=True)
        sys.exit(2)
    except click.ClickException as exc:
        if debug:
            raise
        click.echo(f"{prog}: error: {_one_line(exc.format_message())}", err=True)
        sys.exit(2)
    except Sc2dError as exc:
        if debug:
            raise
        click.echo(f"{prog}: error: {_one_line(str(exc))}", err=True)
        sys.exit(2)
    except (FileNotFoundError, IsADirectoryError, PermissionError, NotADirectoryError) as exc:
        if debug:
            raise
        name = getattr(exc, "filename", None) or ""
        why = exc.strerror or type(exc).__name__
        click.echo(f"{prog}: error: cannot open '{name}': {why}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        click.echo(f"{prog}: interrupted", err=True)
        sys.exit(130)
    except MemoryError:
        click.echo(
            f"{prog}: error: out of memory; the input is too large for this machine", err=True
        )
        sys.exit(2)
    except Exception as exc:  # a bug: still one line, with how to see more
        if debug:
            raise
        click.echo(
            f"{prog}: internal error ({type(exc).__name__}: {_one_line(str(exc))[:300]}); "
            "rerun with --debug for the traceback and please report it",
            err=True,
        )
        sys.exit(3)
