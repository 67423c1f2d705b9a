"""Evidence: attachments kept by hash, saved e-mails and chats ingested, a tamper-evident
chain per case, and the evidence bundle. Pure of the CLI and of SQL."""
