; Inno Setup 6 script of the Windows installer (UNTESTED here: built by
; packaging\windows\build.ps1 on a Windows runner, see .github/workflows/windows.yml).
; It installs the one-folder bundle (build\bundle\dossier-assistant), adds Start menu entries
; for the assistant (with the card reader) and for practice with a virtual card, and removes
; everything it installed on uninstall. The patient's own notes and settings in the user's
; folders are theirs and are kept.
;   ISCC /DAppVersion=0.1.0 /DRepo=C:\path\to\repo packaging\windows\dossier-assistant.iss

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef Repo
  #define Repo "..\.."
#endif

[Setup]
AppId={{6C1E7B52-3F0A-4E55-9D7B-DA55AE7B1E16}
AppName=Dossier Assistant
AppVersion={#AppVersion}
AppPublisher=Dossier Assistant team
DefaultDirName={autopf}\Dossier Assistant
DefaultGroupName=Dossier Assistant
DisableProgramGroupPage=yes
; An administrator installs it for everyone; a patient without administrator rights can
; install it for themselves (no pip --user fallback needed on Windows).
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#Repo}\build
OutputBaseFilename=dossier-assistant-{#AppVersion}-setup
SetupIconFile={#Repo}\assets\app-icon\dossier-assistant.ico
UninstallDisplayIcon={app}\dossier-assistant.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=auto

[Languages]
Name: "fr"; MessagesFile: "compiler:Languages\French.isl"
Name: "nl"; MessagesFile: "compiler:Languages\Dutch.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"
Name: "de"; MessagesFile: "compiler:Languages\German.isl"

[CustomMessages]
fr.Practice=S'exercer avec une carte virtuelle
nl.Practice=Oefenen met een virtuele kaart
en.Practice=Practice with a virtual card
de.Practice=Mit einer virtuellen Karte üben

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
Source: "{#Repo}\build\bundle\dossier-assistant\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\Dossier Assistant"; Filename: "{app}\dossier-assistant.exe"; Parameters: "--real-card"
Name: "{group}\{cm:Practice}"; Filename: "{app}\dossier-assistant.exe"; Parameters: "--demo"
Name: "{autodesktop}\Dossier Assistant"; Filename: "{app}\dossier-assistant.exe"; Parameters: "--real-card"; Tasks: desktopicon

[Run]
Filename: "{app}\dossier-assistant.exe"; Parameters: "--demo"; Description: "{cm:Practice}"; Flags: nowait postinstall skipifsilent unchecked

[UninstallDelete]
; The catalogs' and pictograms' cache the program made for the user who uninstalls.
Type: filesandordirs; Name: "{localappdata}\dossier-assistant\cache"
