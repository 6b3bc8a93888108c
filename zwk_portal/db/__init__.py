"""PostgreSQL backend that starts the embedded server on the first connection.

Used when DATABASE_URL is not set: nobody has to install or start a database
by hand. Everything else is Django's own PostgreSQL backend.
"""
