"""The database backend that starts the embedded PostgreSQL on the first connection."""

from django.conf import settings
from django.db.backends.base.base import NO_DB_ALIAS
from django.db.backends.postgresql import base, client

from dealkennis.db import embedded


class DatabaseClient(client.DatabaseClient):
    def runshell(self, parameters):
        # dbshell runs psql without opening a connection of its own first.
        self.connection.locate_server()
        super().runshell(parameters)


class DatabaseWrapper(base.DatabaseWrapper):
    client_class = DatabaseClient

    def locate_server(self):
        """Start the embedded server (or reuse it) and put its address and superuser in the settings."""
        if not self.settings_dict["HOST"]:
            host, port = embedded.server_address(settings.BASE_DIR)
            self.settings_dict.update(HOST=host, PORT=port, USER=embedded.SUPERUSER)

    def get_connection_params(self):
        self.locate_server()
        # The maintenance connection (to 'postgres', as for creating the test
        # database) needs no database of the project's own.
        if self.alias != NO_DB_ALIAS:
            embedded.ensure_database_once(self.settings_dict)
        return super().get_connection_params()
