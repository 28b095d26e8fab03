; Inno Setup script: a per-user installer for the Windows bundle (no administrator rights needed).
;
; Build on Windows, from the repository root, after `make bundle` (or the pyinstaller command in
; README "Installers") has produced dist\helpdesk\:
;     "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" installer\windows\helpdesk.iss
; Output: dist\helpdesk-setup-<version>.exe. Pass /DAppVersion=1.2.3 to override the version.
;
; Installs into %LOCALAPPDATA%\Programs\Help Desk, adds a Start-menu entry (and optionally a
; desktop icon), registers "Open with Help Desk" for .eml and .msg files under HKCU, and an
; uninstaller in Settings > Apps. Uninstalling removes the program only: the database, settings
; and logs in %LOCALAPPDATA%\helpdesk stay, so a reinstall finds everything as it was.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "Help Desk"
#define AppExe "helpdesk.exe"
#define AppProgId "HelpDesk.EmailReport"

[Setup]
; A fixed AppId keeps upgrades in place; never change it once released.
AppId={{6B1E7C52-3F0A-4E55-9A57-2C7E1D6A4B10}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Help Desk team
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Per-user: {autopf} becomes %LOCALAPPDATA%\Programs and registry keys go to HKCU.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=helpdesk-setup-{#AppVersion}
SetupIconFile=..\..\resources\icons\app\helpdesk.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ChangesAssociations=yes
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "associate"; Description: "Open .eml and .msg email files with {#AppName}"; GroupDescription: "File associations:"

[Files]
Source: "..\..\dist\helpdesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Log, work and close IT incidents"
Name: "{group}\Uninstall {#AppName}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; The ProgID: what "Open with" runs. --import-email hands the file to the open window if there is one.
Root: HKA; Subkey: "Software\Classes\{#AppProgId}"; ValueType: string; ValueName: ""; ValueData: "Email report"; Flags: uninsdeletekey; Tasks: associate
Root: HKA; Subkey: "Software\Classes\{#AppProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"; Tasks: associate
Root: HKA; Subkey: "Software\Classes\{#AppProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" --import-email ""%1"""; Tasks: associate
; Offer it for .eml and .msg without taking the default away from the mail client.
Root: HKA; Subkey: "Software\Classes\.eml\OpenWithProgids"; ValueType: string; ValueName: "{#AppProgId}"; ValueData: ""; Flags: uninsdeletevalue; Tasks: associate
Root: HKA; Subkey: "Software\Classes\.msg\OpenWithProgids"; ValueType: string; ValueName: "{#AppProgId}"; ValueData: ""; Flags: uninsdeletevalue; Tasks: associate
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".eml"; ValueData: ""; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".msg"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "{#AppName}"

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete] for user data on purpose: %LOCALAPPDATA%\helpdesk is the user's, not ours.
