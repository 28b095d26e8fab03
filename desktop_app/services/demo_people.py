"""Who the demo help desk serves and who works it: names, departments, sites, staff and groups."""

from __future__ import annotations

# fmt: off
FIRST_NAMES: tuple[str, ...] = (
    "James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
    "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen",
    "Daniel", "Lisa", "Matthew", "Nancy", "Anthony", "Sandra", "Mark", "Ashley", "Steven", "Emily",
    "Paul", "Michelle", "Andrew", "Amanda", "Joshua", "Melissa", "Kevin", "Rebecca", "Brian", "Laura",
    "George", "Emma", "Oliver", "Sophie", "Lucas", "Chloe", "Noah", "Olivia", "Liam", "Amelia",
    "Mohammed", "Fatima", "Aisha", "Omar", "Wei", "Mei", "Hiroshi", "Yuki", "Priya", "Arjun",
    "José", "María", "Zoë", "Chloé", "Björn", "Åsa", "Łukasz", "Agnieszka", "François", "Hélène",
    "Giulia", "Marco", "Katarzyna", "Piotr", "Ingrid", "Lars", "Siobhan", "Niamh", "Kwame", "Ngozi",
)

LAST_NAMES: tuple[str, ...] = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
    "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
    "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
    "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
    "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts",
    "Patel", "Shah", "Khan", "Ali", "Chen", "Wang", "Li", "Zhang", "Tanaka", "Sato",
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Dubois", "Lefèvre", "Rossi", "Russo", "Novak",
    "Kowalski", "Nowak", "Andersson", "Johansson", "Nielsen", "O'Brien", "Murphy", "Kelly", "Mensah", "Okafor",
)

DEPARTMENTS: tuple[str, ...] = (
    "Finance", "Human Resources", "Sales", "Marketing", "Customer Service", "Operations", "Logistics",
    "Legal", "Procurement", "Engineering", "Research", "Facilities", "IT", "Executive Office",
)

LOCATIONS: tuple[str, ...] = (
    "Head office, floor 1", "Head office, floor 2", "Head office, floor 3", "Head office, floor 4",
    "Riverside office", "Warehouse", "Leeds branch", "Lyon office", "Home worker",
)
# fmt: on

# Callers from these departments are far more often marked VIP.
VIP_DEPARTMENTS = frozenset({"Executive Office", "Legal"})

# Demo IT staff: (name, username, groups). Added only when the username is not taken yet.
DEMO_AGENTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Alex Morgan", "amorgan", ("Service Desk",)),
    ("Priya Raman", "praman", ("Service Desk", "Applications")),
    ("Tom Becker", "tbecker", ("Service Desk",)),
    ("Sofia Marquez", "smarquez", ("Network Team",)),
    ("Jonas Lindqvist", "jlindqvist", ("Network Team", "Security Operations")),
    ("Grace Okoye", "gokoye", ("Field Services",)),
    ("Ben Carter", "bcarter", ("Field Services",)),
    ("Hannah Vogel", "hvogel", ("Applications", "Messaging")),
    ("Omar Haddad", "ohaddad", ("Security Operations",)),
)

# Groups the demo adds beside the starter ones that BootstrapService creates.
DEMO_GROUPS: dict[str, str] = {
    "Applications": "Second line: business applications and office software",
    "Messaging": "Second line: e-mail and calendars",
    "Security Operations": "Security incidents, malware and suspicious activity",
}

# Which group works a top-level category; anything else stays with the service desk.
GROUP_FOR_AREA: dict[str, str] = {
    "Network": "Network Team",
    "Hardware": "Field Services",
    "Software": "Applications",
    "Access": "Service Desk",
    "Email": "Messaging",
    "Security": "Security Operations",
    "Facilities": "Field Services",
}
FIRST_LINE_GROUP = "Service Desk"
