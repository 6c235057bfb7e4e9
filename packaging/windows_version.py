"""Windows version resource for the bundle: what Explorer shows under Properties → Details."""

from PyInstaller.utils.win32.versioninfo import (
    FixedFileInfo,
    StringFileInfo,
    StringStruct,
    StringTable,
    VarFileInfo,
    VarStruct,
    VSVersionInfo,
)


def version_info(version: str) -> VSVersionInfo:
    numbers = tuple(int(part) for part in (version.split(".") + ["0"] * 4)[:4])
    strings = [
        StringStruct("CompanyName", "LiveScribe developers"),
        StringStruct("FileDescription", "LiveScribe: live speech-to-text"),
        StringStruct("FileVersion", version),
        StringStruct("InternalName", "LiveScribe"),
        StringStruct("LegalCopyright", "MIT licence"),
        StringStruct("OriginalFilename", "LiveScribe.exe"),
        StringStruct("ProductName", "LiveScribe"),
        StringStruct("ProductVersion", version),
    ]
    return VSVersionInfo(
        ffi=FixedFileInfo(filevers=numbers, prodvers=numbers),
        kids=[
            StringFileInfo([StringTable("040904B0", strings)]),
            VarFileInfo([VarStruct("Translation", [0x0409, 1200])]),
        ],
    )
