"""Entry point: command line, logging, the QApplication and a clean, bounded exit."""

from __future__ import annotations

import argparse
import faulthandler
import gc
import logging
import os
import signal
import socket
import sys
import threading
import time

from livescribe_gui import __version__

log = logging.getLogger("livescribe_gui")

EXIT_GRACE_SECONDS = 3.0


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="livescribe-gui", description="Live speech-to-text with AssemblyAI."
    )
    parser.add_argument(
        "--device", metavar="NAME", action="append", default=[],
        help="preselect the first input whose name contains NAME (case-insensitive); given "
             "twice, both sides of a call: the first is “You”, the second “Them”",
    )
    parser.add_argument("--start", action="store_true", help="start listening at launch")
    parser.add_argument("--captions", action="store_true", help="open the captions window")
    remote = parser.add_mutually_exclusive_group()
    for flag, meaning in (("--toggle", "start listening, or stop"),
                          ("--stop", "stop listening"),
                          ("--show-captions", "show the captions window"),
                          ("--hide-captions", "hide the captions window"),
                          ("--quit", "end the session properly and quit")):
        remote.add_argument(flag, dest="command", action="store_const",
                            const=flag.lstrip("-"), help=f"{meaning} (in the running LiveScribe)")
    parser.add_argument("--model", metavar="NAME",
                        help="use this speech model for this run (e.g. u3-rt-pro)")
    parser.add_argument("--translate-to", metavar="LANG",
                        help="translate each finished turn into LANG (e.g. es) for this run")
    parser.add_argument("--verbose", action="store_true", help="log debug details")
    parser.add_argument("--version", action="version", version=f"LiveScribe {__version__}")
    entry = parser.add_mutually_exclusive_group()
    entry.add_argument("--install-desktop-entry", action="store_true",
                       help="add LiveScribe to the desktop's application menu (Linux) and exit")
    entry.add_argument("--uninstall-desktop-entry", action="store_true",
                       help="remove that menu entry and its icons, and exit")
    return parser.parse_args(argv)


def invalid_choice(args: argparse.Namespace) -> str:
    """One line saying what is wrong with --model, --translate-to or --device; "" when
    nothing is."""
    from livescribe_gui.streaming import speech_models

    if len(args.device) > 2:
        return "--device can be given at most twice: “You” (a microphone) and “Them”"

    if args.model is not None and not speech_models.is_known(args.model):
        names = ", ".join(m.name for m in speech_models.offered())
        return f"unknown speech model “{args.model}” (known: {names})"
    languages = speech_models.TRANSLATION_LANGUAGES
    if args.translate_to is not None and args.translate_to not in languages:
        return (f"cannot translate into “{args.translate_to}” (use a code such as "
                f"{', '.join(sorted(languages)[:8])}, …)")
    return ""


def ensure_standard_streams() -> None:
    """A windowed build (Windows, macOS) may start with no stdout/stderr: give them a sink."""
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115


def manage_desktop_entry(install: bool) -> int:
    from livescribe_gui import desktop_entry

    try:
        paths = desktop_entry.install() if install else desktop_entry.uninstall()
    except OSError as exc:
        print(f"livescribe-gui: could not change the menu entry: {exc}", file=sys.stderr)
        return 1
    verb = "wrote" if install else "removed"
    print(f"livescribe-gui: {verb} {len(paths)} files", *paths, sep="\n  ")
    return 0


def install_signal_handlers(on_signal) -> None:  # noqa: ANN001
    """SIGINT/SIGTERM close the window like Ctrl+Q does.

    Python only runs signal handlers when it holds the interpreter, which it does not while
    Qt's event loop waits; a wakeup socket watched by a QSocketNotifier wakes the loop.
    """
    from PySide6.QtCore import QSocketNotifier

    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    signal.set_wakeup_fd(writer.fileno())
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read)

    def drain() -> None:
        try:
            while reader.recv(64):
                pass
        except BlockingIOError:
            pass

    notifier.activated.connect(drain)
    install_signal_handlers.keep = (reader, writer, notifier)  # type: ignore[attr-defined]
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: on_signal())


def exit_without_lingering(code: int) -> None:
    """Exit; if a non-daemon thread (the SDK's) still runs after a grace period, end anyway."""
    deadline = time.monotonic() + EXIT_GRACE_SECONDS
    for thread in threading.enumerate():
        if thread is threading.main_thread() or thread.daemon:
            continue
        thread.join(max(0.0, deadline - time.monotonic()))
    lingering = [t.name for t in threading.enumerate() if t.is_alive() and not t.daemon
                 and t is not threading.main_thread()]
    if lingering:
        log.warning("threads still running at exit: %s; exiting anyway", ", ".join(lingering))
        logging.shutdown()
        os._exit(code)
    sys.exit(code)


def _log_thread_exception(args: threading.ExceptHookArgs) -> None:
    """A helper thread died (the SDK's read thread does on a malformed message): the worker
    notices and recovers; the details belong in the log, not on the screen."""
    log.warning("thread %s ended with an error", getattr(args.thread, "name", "?"),
                exc_info=(args.exc_type, args.exc_value, args.exc_traceback))  # type: ignore[arg-type]


def load_the_rest() -> None:
    """What the window does not need to show (the SDK: a fifth of a second), imported on a
    thread of its own once it is up, so Start and Settings find it loaded."""
    import importlib

    for module in ("livescribe_gui.streaming.worker", "livescribe_gui.notes.jobs",
                   "livescribe_gui.streaming.key_check"):
        importlib.import_module(module)


def main(argv: list[str] | None = None) -> int:
    # Start-up imports make ~100,000 objects that last and almost no garbage: collecting
    # while they load cost ~20 ms. The GUI-thread collector (gui_thread_gc) takes over.
    gc.disable()
    ensure_standard_streams()
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.install_desktop_entry or args.uninstall_desktop_entry:
        return manage_desktop_entry(install=args.install_desktop_entry)
    problem = invalid_choice(args)
    if problem:
        print(f"livescribe-gui: {problem}", file=sys.stderr)
        return 2
    from livescribe_gui import pyside_source_scan
    from livescribe_gui.streaming import sdk_package

    pyside_source_scan.install()
    sdk_package.install()
    from livescribe_gui.integration import instance

    # Another LiveScribe may be running (this user, these settings): hand it the command.
    command = args.command or ("start" if args.start else "show")
    if instance.send(command) is not None:
        return 0
    if args.command:
        print(f"livescribe-gui: no LiveScribe is running to {args.command.replace('-', ' ')}",
              file=sys.stderr)
        return 1
    faulthandler.enable()

    from livescribe_gui import logging_setup, settings
    from livescribe_gui.credentials import ApiKeyStore

    keys = ApiKeyStore()
    logging_setup.configure(secret=keys.get, verbose=args.verbose)
    threading.excepthook = _log_thread_exception
    log.info("LiveScribe %s starting", __version__)
    from livescribe_gui import paths

    paths.tighten_existing()

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from livescribe_gui import assets
    from livescribe_gui.audio.devices import find_device
    from livescribe_gui.audio.scanner import first_scan
    from livescribe_gui.streaming import speech_models
    from livescribe_gui.transcript.store import StoreWriter
    from livescribe_gui.ui import background, gui_thread_gc
    from livescribe_gui.ui.main_window import MainWindow

    app = QApplication(sys.argv[:1])
    gui_thread_gc.install()
    app.setApplicationName("LiveScribe")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(assets.APP_ID)

    server = instance.InstanceServer()
    if not server.listen():  # another launch got there first this very moment
        delivered = instance.send(command, timeout_ms=15000) is not None
        if not delivered:
            print("livescribe-gui: another LiveScribe is starting; try again", file=sys.stderr)
        return 0 if delivered else 1
    app.setWindowIcon(assets.window_icon())

    loaded = settings.load()
    if args.translate_to:
        model = args.model or loaded.settings.speech_model
        if not speech_models.info(model).translation:
            takers = ", ".join(m.name for m in speech_models.offered() if m.translation)
            print(f"livescribe-gui: {model} cannot translate; add --model with one of: "
                  f"{takers}", file=sys.stderr)
            return 2
    writer = settings.SettingsWriter()
    store = StoreWriter()
    store.mark_interrupted()
    window = MainWindow(
        settings=loaded.settings, settings_writer=writer, keys=keys, devices=None,
        store=store, notice=loaded.notice,
    )
    server.command_received.connect(window.run_command)
    window.speech_model_override = args.model
    window.translate_to_override = args.translate_to
    # Through the event loop: a signal that lands before app.exec() must still close the window.
    install_signal_handlers(lambda: QTimer.singleShot(0, window.close))
    # Logging out: end the session (Terminate) before the session manager ends the process.
    app.commitDataRequest.connect(window.commit_data)
    def ready(devices: list | None) -> None:
        """The saved key and the inputs are known (both can be slow: a credential store
        over D-Bus, PortAudio and the sound server), found while the window was shown."""
        devices = devices or []
        window.show_devices_found(devices)
        for number, name in enumerate(args.device[:2]):
            match = find_device(devices, name=name, substring=True)
            if match is None:
                message = f"No input matches “{name}”; using the selected one instead."
                print(f"livescribe-gui: {message}", file=sys.stderr)
                window.status_label.setText(message)
            elif number == 0:
                window.select_device(match)
            else:
                window.select_call(match)
        log.info("inputs found")
        if args.start or loaded.settings.listen_on_open:
            window.start_session()

    startup = background.BackgroundCall(window, name="startup")
    startup.done.connect(ready)
    startup.start(lambda: (keys.load(), first_scan())[1])
    window.show()
    rest = background.BackgroundCall(window, name="load-the-rest")
    rest.done.connect(gui_thread_gc.freeze_startup)
    rest.start(load_the_rest)
    if args.captions or loaded.settings.captions_open:
        window.show_captions(True)
    QTimer.singleShot(0, lambda: log.info("main window shown"))
    code = app.exec()
    server.close()
    window.preview.wait(2.0)
    unfinished = background.join_all(EXIT_GRACE_SECONDS)
    if unfinished:
        log.warning("still running at exit: %s", ", ".join(unfinished))
    writer.close()
    store.close()
    log.info("LiveScribe exiting")
    exit_without_lingering(code)
    return code
