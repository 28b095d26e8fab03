"""Email reports (.eml and Outlook .msg) turned into plain data the import service stores; no Qt."""
