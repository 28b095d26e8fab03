"""What demo incidents are about: per default category, symptoms as callers report them and how they ended.

Each issue is (title, description, root cause, resolution steps). ``{placeholders}`` are filled from
``FILLERS`` when the seeder expands the catalogue, so one template yields several distinct tickets.
"""

from __future__ import annotations

Issue = tuple[str, str, str, str]

FILLERS: dict[str, tuple[str, ...]] = {
    "floor": ("floor 1", "floor 2", "floor 3", "floor 4", "the ground floor", "the mezzanine"),
    "site": ("Head office", "the Riverside office", "the warehouse", "the Leeds branch", "the Lyon office"),
    "app": ("SAP", "Salesforce", "the HR portal", "the expenses app", "the CRM", "Jira", "the timesheet tool"),
    "printer": ("PRN-1F-02", "PRN-2F-01", "PRN-3F-04", "PRN-WH-01", "the colour printer by reception"),
    "room": ("Boardroom", "Room 2.14", "Room 3.02", "the Atrium", "Training room B"),
    "device": ("LT-04512", "LT-07733", "LT-10291", "DT-00871", "DT-02245", "LT-11806"),
    "error": ("0x80070005", "0x8024402C", "ERR_CONNECTION_TIMED_OUT", "error 1603", "0xc000021a", "HTTP 503"),
}

GENERIC_ISSUES: tuple[Issue, ...] = (
    (
        "Problem reported by phone",
        "Caller described a problem with {app}; details taken during the call, screenshots to follow.",
        "Local configuration problem.",
        "Talked the caller through the fix and confirmed it works.",
    ),
)

# fmt: off
ISSUES: dict[str, tuple[Issue, ...]] = {
    "Network > Connectivity": (
        ("No network on {floor}", "Several users on {floor} at {site} have had no network since 8:30; wall ports dead.",
         "Access switch lost power after a breaker tripped.", "Reset the breaker, switch back up, checked links."),
        ("Cannot reach file server from {device}", "Laptop {device} gets an address but cannot open the S: drive.",
         "Stale DNS entry for the file server.", "Flushed DNS, corrected the record, mapped the drive again."),
        ("Network drops every few minutes", "Connection drops for 20-30 seconds several times an hour at {site}.",
         "Faulty patch cable on the uplink.", "Replaced the patch cable and monitored for an hour."),
    ),
    "Network > Internet access": (
        ("Internet very slow at {site}", "Web pages take over a minute to load at {site}; internal apps are fine.",
         "WAN link saturated by a backup job.", "Moved the backup window to the night and applied QoS."),
        ("Websites blocked by proxy", "User gets a proxy block page for a supplier site needed for work.",
         "Supplier domain miscategorised by the web filter.", "Added the domain to the allow list."),
        ("No internet after moving desks", "User moved to {floor} and has no internet, only intranet.",
         "Port on the new desk in the wrong VLAN.", "Moved the port to the user VLAN."),
    ),
    "Network > Wi-Fi": (
        ("Wi-Fi keeps disconnecting in {room}", "Laptops drop off Wi-Fi during meetings in {room}.",
         "Access point overloaded; channel overlap with neighbour.", "Re-planned channels, added an access point."),
        ("Cannot join corporate Wi-Fi", "Laptop {device} refuses the corporate SSID with an authentication error.",
         "Expired machine certificate.", "Renewed the certificate via group policy refresh and rejoined."),
        ("Guest Wi-Fi voucher not working", "Visitor at {site} cannot log in to guest Wi-Fi with the voucher.",
         "Voucher printed from an expired batch.", "Issued a new voucher and cleared the old batch."),
    ),
    "Network > VPN": (
        ("VPN connects then drops", "Working from home; VPN connects then drops after about a minute.",
         "Home router MTU too small for the tunnel.", "Lowered the VPN MTU profile for the user."),
        ("VPN error {error}", "VPN client shows {error} when connecting from a hotel.",
         "Hotel network blocks the VPN port.", "Switched the client to the TLS fallback profile."),
        ("VPN asks for MFA repeatedly", "VPN keeps prompting for the MFA code and never connects.",
         "Clock on the laptop was 10 minutes off.", "Re-synced the clock and reconnected."),
    ),
    "Network > DNS": (
        ("Intranet name does not resolve", "The intranet works by IP but not by name from {device}.",
         "Client pointed at a decommissioned DNS server.", "Updated the DHCP scope options and renewed leases."),
        ("Wrong site opens for {app}", "Typing the {app} address opens an old test server.",
         "Stale CNAME left from a migration.", "Removed the stale record and flushed caches."),
    ),
    "Hardware > Laptop": (
        ("Laptop {device} will not power on", "Laptop {device} is dead this morning; charger light is on.",
         "Failed motherboard.", "Swapped the laptop for a spare and restored the profile."),
        ("Laptop overheating and shutting down", "{device} gets very hot and switches off during video calls.",
         "Fan clogged with dust.", "Cleaned the fan, updated BIOS and the power profile."),
        ("Cracked screen on {device}", "User dropped the laptop; screen cracked but it still works on a monitor.",
         "Accidental damage.", "Ordered a replacement screen under the accident policy and fitted it."),
    ),
    "Hardware > Desktop": (
        ("PC {device} blue screen {error}", "Desktop {device} blue-screens with {error} several times a day.",
         "Faulty RAM module.", "Ran diagnostics, replaced the RAM, monitored for two days."),
        ("Desktop very slow to start", "Takes over 10 minutes to reach the desktop on {device}.",
         "Failing hard disk.", "Replaced the disk with an SSD and re-imaged."),
    ),
    "Hardware > Printer": (
        ("Printer {printer} paper jam", "{printer} shows a paper jam but there is no paper stuck.",
         "Worn pickup roller.", "Replaced the pickup roller kit and ran test pages."),
        ("Cannot print to {printer}", "Jobs to {printer} sit in the queue and never print.",
         "Print spooler hung on the print server.", "Restarted the spooler and cleared the stuck jobs."),
        ("{printer} prints blank pages", "Every page from {printer} comes out blank.",
         "Toner cartridge shipped with the seal in place.", "Removed the seal and cleaned the drum."),
    ),
    "Hardware > Monitor": (
        ("Second monitor not detected", "Dock does not show the second monitor on {floor}.",
         "Dock firmware out of date.", "Updated the dock firmware and display driver."),
        ("Monitor flickering", "Monitor flickers every few seconds; worse when warm.",
         "Failing backlight.", "Replaced the monitor from stock."),
    ),
    "Hardware > Phone": (
        ("Desk phone shows no service", "Desk phone on {floor} displays 'No service' since this morning.",
         "PoE port disabled after a switch change.", "Re-enabled PoE on the port, phone registered."),
        ("Mobile phone not syncing mail", "Company mobile stopped syncing mail after an update.",
         "Device profile removed by the update.", "Re-enrolled the phone in device management."),
    ),
    "Hardware > Peripherals": (
        ("Headset microphone not working", "Colleagues cannot hear the user on calls with the USB headset.",
         "Wrong default recording device.", "Set the headset as default and updated its firmware."),
        ("Keyboard and mouse unresponsive", "Wireless keyboard and mouse at {site} stopped responding.",
         "Receiver dongle paired to another set.", "Re-paired the devices and replaced the batteries."),
    ),
    "Software > Operating system": (
        ("Windows update fails with {error}", "Updates on {device} fail repeatedly with {error}.",
         "Corrupted update cache.", "Reset the update components and installed the updates."),
        ("Login takes very long", "Sign-in on {device} hangs on 'Preparing Windows' for several minutes.",
         "Bloated roaming profile.", "Cleaned the profile and enabled folder redirection."),
        ("Laptop stuck in a reboot loop", "{device} restarts during boot and never reaches the login screen.",
         "Failed driver update.", "Booted to recovery, rolled back the driver."),
    ),
    "Software > Office suite": (
        ("Excel crashes when opening files", "Excel closes without a message when opening shared workbooks.",
         "Faulty add-in.", "Disabled the add-in and repaired the Office installation."),
        ("Outlook search returns nothing", "Searching in Outlook finds no results for recent mail.",
         "Corrupted search index.", "Rebuilt the search index."),
        ("Word documents open read-only", "Documents on the team share always open as read-only.",
         "Stale lock files on the share.", "Removed the lock files and fixed share permissions."),
    ),
    "Software > Business application": (
        ("{app} shows {error}", "{app} shows {error} for everyone at {site} since the lunch break.",
         "Application server ran out of disk space.", "Freed disk space, restarted the service, added a check."),
        ("{app} very slow", "Saving a record in {app} takes over 30 seconds.",
         "Missing database index after an upgrade.", "Vendor supplied the index; applied it out of hours."),
        ("Cannot export report from {app}", "Export to Excel in {app} produces an empty file.",
         "Known defect in the current release.", "Applied the vendor hotfix."),
    ),
    "Software > Installation request": (
        ("Install {app} client", "New starter needs the {app} client installed on {device}.",
         "Software request.", "Installed from the software centre and checked the licence."),
        ("Need PDF editor installed", "User needs to edit PDFs for contracts; asks for the approved editor.",
         "Software request.", "Manager approved; installed and activated the licence."),
    ),
    "Access > Password reset": (
        ("Password reset", "User forgot the password after holidays and cannot sign in.",
         "Forgotten password.", "Verified identity by call-back and reset the password."),
        ("Password expired while travelling", "Password expired while abroad; cannot change it over VPN.",
         "Password expiry while off the network.", "Reset the password and walked through the change."),
    ),
    "Access > Account locked": (
        ("Account locked out", "Account locks again a few minutes after each unlock.",
         "Old password saved on the mobile phone.", "Removed the stale credentials and unlocked."),
        ("Locked out after MFA change", "User changed phone and cannot pass MFA.",
         "MFA registration on the old phone.", "Verified identity and re-registered MFA."),
    ),
    "Access > Permissions": (
        ("No access to team share", "User gets 'access denied' on the finance share after changing team.",
         "Group membership not updated after the move.", "Added the user to the group with manager approval."),
        ("Needs admin rights in {app}", "User needs the approver role in {app} for month end.",
         "Role not requested at onboarding.", "Granted the role after approval; logged it."),
    ),
    "Access > New account": (
        ("New starter account", "New starter on Monday needs an account, mailbox and {app} access.",
         "Onboarding request.", "Created the account, mailbox and access; sent credentials to the manager."),
        ("Contractor account", "Contractor needs an account for three months at {site}.",
         "Onboarding request.", "Created a time-limited account with the requested access."),
    ),
    "Email > Delivery": (
        ("Emails to a customer bounce", "Mails to a customer domain bounce with 'relay denied'.",
         "Customer's server rejects our new sending IP.", "Asked the customer to allow the IP; retried the queue."),
        ("Not receiving external mail", "User receives internal mail but nothing from outside since yesterday.",
         "Transport rule quarantining the mail.", "Corrected the rule and released the quarantine."),
    ),
    "Email > Mailbox": (
        ("Mailbox full", "Outlook warns that the mailbox is full; cannot send.",
         "Mailbox over quota.", "Enabled the archive and moved old mail."),
        ("Shared mailbox missing in Outlook", "The team shared mailbox disappeared from Outlook.",
         "Permission removed by an access review.", "Restored the permission; mailbox reappeared."),
    ),
    "Email > Calendar": (
        ("Meeting invites not arriving", "Colleagues' invites do not appear in the user's calendar.",
         "Delegate rule forwarding invites.", "Removed the stale delegate."),
        ("Cannot book {room}", "Booking {room} fails with 'declined' for every slot.",
         "Room mailbox booking policy too strict.", "Adjusted the booking policy."),
    ),
    "Email > Spam and phishing": (
        ("Suspicious email received", "User received an email asking to confirm payroll details via a link.",
         "Phishing campaign.", "Blocked the sender and URL, purged the message from all mailboxes."),
        ("Too much spam", "Mailbox receives dozens of spam messages a day.",
         "Address exposed on a public site.", "Tightened the filter and removed the address from the site."),
    ),
    "Security > Malware": (
        ("Antivirus alert on {device}", "Antivirus quarantined a file from a USB stick on {device}.",
         "Infected USB stick from a supplier.", "Scanned the laptop, wiped the stick, informed the supplier."),
        ("Pop-ups and strange browser", "Browser on {device} shows pop-ups and a new home page.",
         "Adware from a free download.", "Removed the adware, reset the browser, restricted installs."),
    ),
    "Security > Suspicious activity": (
        ("Unknown sign-in alert", "User got an alert of a sign-in from another country.",
         "Password reused on a breached site.", "Reset the password, revoked sessions, reviewed sign-ins."),
        ("Unexpected MFA prompts", "User receives MFA prompts they did not start.",
         "Password guessed by an attacker.", "Reset the password and enabled number matching."),
    ),
    "Security > Data loss": (
        ("Lost laptop {device}", "User left laptop {device} on a train.",
         "Lost device.", "Wiped the device remotely, confirmed disk encryption, issued a replacement."),
        ("Deleted folder on share", "A project folder was deleted from the share this morning.",
         "Accidental deletion.", "Restored the folder from last night's snapshot."),
    ),
    "Facilities > Power": (
        ("Power cut on {floor}", "No power to desks on {floor} at {site}; PCs are off.",
         "Tripped breaker in the floor distribution board.", "Facilities reset the breaker; checked the PCs."),
        ("UPS beeping in comms room", "The UPS in the comms room at {site} is beeping.",
         "UPS battery at end of life.", "Replaced the battery pack."),
    ),
    "Facilities > Meeting rooms": (
        ("Screen in {room} not working", "The wall screen in {room} shows 'no signal' with every laptop.",
         "HDMI switcher failed.", "Replaced the switcher and tested with two laptops."),
        ("Video bar in {room} has no sound", "Remote participants cannot hear {room}.",
         "Audio device muted by the room controller.", "Reset the room controller and its audio settings."),
    ),
}
# fmt: on

# Codes from the resolution code list (sync_protocol/workflow_rules.py), weighted as a desk sees them.
RESOLUTION_CODES: tuple[str, ...] = (
    "fixed",
    "fixed",
    "fixed",
    "workaround_provided",
    "fixed",
    "hardware_replaced",
    "software_change",
    "user_error",
    "not_reproducible",
)

WORKAROUNDS: tuple[str, ...] = (
    "Use the web version in the meantime.",
    "Borrowed a spare laptop from the service desk.",
    "Print to the neighbouring printer for now.",
    "Connect with a network cable until the fix.",
    "Use the mobile app until the fix is in.",
)

# How often each category comes up, relative to 2 for any category not listed.
FREQUENCY: dict[str, int] = {
    "Access > Password reset": 9,
    "Access > Account locked": 6,
    "Hardware > Printer": 5,
    "Software > Business application": 5,
    "Software > Office suite": 4,
    "Email > Mailbox": 3,
    "Email > Spam and phishing": 3,
    "Network > Wi-Fi": 3,
    "Network > VPN": 3,
    "Hardware > Laptop": 3,
    "Security > Data loss": 1,
    "Facilities > Power": 1,
}
DEFAULT_FREQUENCY = 2
