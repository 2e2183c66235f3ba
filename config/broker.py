"""The demo's broker without a server (`make run`): kombu's filesystem transport, made safe for
a web process, beat and a worker sharing one folder.

kombu writes a message by creating its file in the queue folder and then writing into it. A
worker that lists the folder in between moves the still empty file away, reads nothing, and
stops on the JSON error ("Unrecoverable error: JSONDecodeError"); honcho then stops the web
server and beat with it, and the demo is gone. Here a message is written under a name the queue
does not read and renamed into place when it is whole (a rename within a folder is atomic), and
a message that cannot be read is logged and dropped rather than taking the worker down. The
exchange tables (which queues a broadcast reaches) are rewritten by one process while another
may read them: a read that meets a half-written table tries again.
"""

import logging
import os
import time
import uuid

from kombu.transport import filesystem
from kombu.utils.json import dumps

logger = logging.getLogger(__name__)

# A table being rewritten is whole again within a few milliseconds.
TABLE_READ_ATTEMPTS, TABLE_READ_PAUSE = 5, 0.02


class Channel(filesystem.Channel):
    # kombu's filesystem channel's own signature (its base class names the message otherwise).
    def _put(self, queue, payload, **kwargs):  # type: ignore[override]
        name = f"{round(time.monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        # No dot before the queue's name: `_get` only takes names ending in ".<queue>.msg".
        partial = os.path.join(self.data_folder_out, f"writing-{uuid.uuid4()}")
        try:
            with open(partial, "wb") as f:
                f.write(dumps(payload).encode())
            os.replace(partial, os.path.join(self.data_folder_out, name))
        except OSError as exc:
            raise filesystem.ChannelError(f"Cannot add file {name!r} to directory") from exc

    def _get(self, queue, timeout=None):
        while True:  # each round removes the file it read, so this ends
            try:
                return super()._get(queue)
            except ValueError:  # json.JSONDecodeError: a message file that was not whole
                logger.warning("A message on queue %s could not be read and was dropped.", queue)

    def get_table(self, exchange):
        for attempt in range(TABLE_READ_ATTEMPTS):
            try:
                return super().get_table(exchange)
            except ValueError:
                if attempt == TABLE_READ_ATTEMPTS - 1:
                    raise
                time.sleep(TABLE_READ_PAUSE)
        return []  # not reached


class Transport(filesystem.Transport):
    Channel = Channel
