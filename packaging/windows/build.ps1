# Builds the Windows bundle and installer (UNTESTED: these machines cannot run Windows; the
# workflow .github/workflows/windows.yml runs this on a Windows runner).
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1
# Needs Python 3.11 (py launcher) and Inno Setup 6 (ISCC.exe). Writes
#   build\bundle\dossier-assistant\   the one-folder bundle (the spec shared with Linux)
#   build\dossier-assistant-<version>-setup.exe   the installer
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..\..")
$Repo = (Get-Location).Path

$Venv = "build\bundle-venv"
if (-not (Test-Path "$Venv\Scripts\python.exe")) { py -3.11 -m venv $Venv }
$Py = "$Repo\$Venv\Scripts\python.exe"
& $Py -m pip install -q --upgrade pip
# The locked build tools and the locked program + PyInstaller, each checked against its hashes.
& $Py -m pip install -q --require-hashes --no-deps -r packaging\lock\build.txt
& $Py -m pip install -q --require-hashes --no-deps -r packaging\lock\bundle.txt
if ($LASTEXITCODE -ne 0) { throw "dependencies not installed" }

Remove-Item -Recurse -Force -ErrorAction SilentlyContinue build\dist, build\lib
& $Py -m pip wheel -q --no-deps --no-build-isolation -w build\dist .
$Wheel = (Get-ChildItem build\dist\dossier_assistant-*.whl | Select-Object -First 1).FullName
& $Py -m pip install -q --no-deps --force-reinstall $Wheel
& $Py -m pip check
if ($LASTEXITCODE -ne 0) { throw "the wheel did not install" }

# The catalogs compiled once (.mo beside .po), as on Linux.
& $Py -I -c @"
from importlib.resources import files
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
for po in sorted(files('assistant._data').joinpath('locales').glob('*/LC_MESSAGES/*.po')):
    with po.open('rb') as handle:
        catalog = read_po(handle, locale=po.parent.parent.name)
    with po.with_suffix('.mo').open('wb') as handle:
        write_mo(handle, catalog, use_fuzzy=False)
"@

Remove-Item -Recurse -Force -ErrorAction SilentlyContinue build\bundle
Push-Location build
& $Py -I -m PyInstaller --noconfirm --log-level WARN `
  --distpath "$Repo\build\bundle" --workpath "$Repo\build\pyinstaller" `
  "$Repo\packaging\dossier-assistant.spec"
Pop-Location
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed" }

$Version = (& "build\bundle\dossier-assistant\dossier-assistant-cli.exe" --version).Split(" ")[1]
$Size = [math]::Round(((Get-ChildItem -Recurse build\bundle\dossier-assistant | Measure-Object Length -Sum).Sum) / 1MB)
Write-Output "bundle: build\bundle\dossier-assistant ($Size MB), version $Version"

$Iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe"
if (-not (Test-Path $Iscc)) { $Iscc = "ISCC.exe" }
& $Iscc /Qp "/DAppVersion=$Version" "/DRepo=$Repo" packaging\windows\dossier-assistant.iss
if ($LASTEXITCODE -ne 0) { throw "Inno Setup failed" }
Get-ChildItem build\dossier-assistant-*-setup.exe
