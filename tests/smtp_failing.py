"""An aiosmtpd handler that stores the first N messages in a maildir and refuses the rest.

Run in an aiosmtpd process of its own (`-c tests.smtp_failing.FailAfter MAILDIR N`):
a mail server that breaks down halfway through a run of digests.
"""

from aiosmtpd.handlers import Mailbox


class FailAfter(Mailbox):
    def __init__(self, maildir, limit):
        super().__init__(maildir)
        self.limit = int(limit)
        self.accepted = 0

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 2:
            parser.error("FailAfter needs a maildir and a number of messages")
        return cls(*args)

    async def handle_DATA(self, server, session, envelope):
        if self.accepted >= self.limit:
            return "451 Requested action aborted: local error in processing"
        self.accepted += 1
        return await super().handle_DATA(server, session, envelope)
