"""nbconvert's ExecutePreprocessor, also keeping outputs that arrive after the kernel said idle.

nbclient takes a cell as finished at the kernel's `status: idle` message and drops any later
output of that cell. Deno's kernel (2.9) can publish a cell's result or display after that
message, so a plain `jupyter nbconvert --execute` loses it now and then, without an error. This
preprocessor keeps reading the cell's IOPub messages until none has come for `drain_seconds`.
"""
from queue import Empty

from nbclient.util import ensure_async
from nbconvert.preprocessors import ExecutePreprocessor
from traitlets import Float


class DrainingExecutePreprocessor(ExecutePreprocessor):
    """ExecutePreprocessor that waits `drain_seconds` of silence after idle for late outputs."""

    drain_seconds = Float(0.5, help="Seconds without a message after idle before a cell counts as done.").tag(config=True)

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        await super()._async_poll_output_msg(parent_msg_id, cell, cell_index)
        while True:
            try:
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=self.drain_seconds))
            except Empty:
                return
            if msg["parent_header"].get("msg_id") == parent_msg_id and msg["msg_type"] != "status":
                self.process_message(msg, cell, cell_index)
