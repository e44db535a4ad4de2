"""A session spoken in Streamlit's own websocket protocol, without a browser.

The benchmark's load test uses it for its twenty township heads: in a county each head's
browser runs on their own PC, so twenty browsers rendering on the server's two cores would
measure the browsers, not the server. A rerun is timed from the message that changes a widget
to the server's "script finished". The cold-start test uses it to open several sessions at the
very same moment, which browsers cannot promise.
"""

from __future__ import annotations

import time

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

SIGNED_IN_KEY = "town"  # the shared township filter: drawn only for a signed-in user
DONE = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}


class ProtocolError(RuntimeError):
    """The app did not answer as a browser session would have been answered."""


class Session:
    """One browser tab's worth of conversation with the server: open a page, set widgets."""

    def __init__(self, socket: websockets.ClientConnection, page: str) -> None:
        self.socket, self.page = socket, page
        self.page_hash = ""
        self.widgets: dict[str, tuple[str, object]] = {}  # id -> (element type, proto) of the last run
        self.headings: list[str] = []  # titles and subheaders of the last run

    @classmethod
    async def open(cls, url: str, page: str) -> Session:
        """Connect and run `page` (its URL path, as "township") as a browser's first load does."""
        socket = await websockets.connect(url.replace("http://", "ws://") + "/_stcore/stream",
                                          subprotocols=["streamlit"], origin=url, max_size=None)
        session = cls(socket, page)
        await session.rerun({})
        return session

    async def rerun(self, states: dict[str, tuple[str, object]]) -> float:
        """Send widget states ({id: (WidgetState field, value)}) and wait until the script has
        finished (through any st.rerun it asks for); returns the seconds that took."""
        message = BackMsg()
        client = message.rerun_script
        client.page_name, client.page_script_hash = self.page, self.page_hash
        for widget_id, (field, value) in states.items():
            state = client.widget_states.widgets.add()
            state.id = widget_id
            setattr(state, field, value)
        self.widgets, self.headings = {}, []
        start = time.perf_counter()
        await self.socket.send(message.SerializeToString())
        await self._until_finished()
        return time.perf_counter() - start

    async def _until_finished(self) -> None:
        while True:
            message = ForwardMsg()
            message.ParseFromString(await self.socket.recv())
            kind = message.WhichOneof("type")
            if kind == "navigation":  # the page the server ran: what a browser sends back
                self.page_hash = message.navigation.page_script_hash
            elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                self._keep_widget(message.delta.new_element)
            elif kind == "script_finished":
                if message.script_finished in DONE:
                    return
                if message.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    raise ProtocolError("the page failed to compile")

    def _keep_widget(self, element: object) -> None:
        kind = element.WhichOneof("type")
        proto = getattr(element, kind)
        if kind == "exception":
            raise ProtocolError(f"the page raised {proto.type}: {proto.message}"[:300])
        if kind == "heading":
            self.headings.append(proto.body)
        widget_id = getattr(proto, "id", "")
        if widget_id:
            self.widgets[widget_id] = (kind, proto)

    def widget(self, kind: str, *, key: str | None = None, **fields: object) -> str:
        """The id of the last run's widget of this element type, user key and field values."""
        for widget_id, (found, proto) in self.widgets.items():
            if found == kind and (key is None or widget_id.endswith(f"-{key}")) and all(
                    getattr(proto, name) == value for name, value in fields.items()):
                return widget_id
        raise ProtocolError(f"no {kind} widget {key or fields} on the page")

    async def sign_in(self, name: str, password: str) -> float:
        """Fill the sign-in form and submit it, as a township head does."""
        from streamlit.proto.TextInput_pb2 import TextInput

        states = {
            self.widget("text_input", type=TextInput.DEFAULT): ("string_value", name),
            self.widget("text_input", type=TextInput.PASSWORD): ("string_value", password),
            self.widget("button", is_form_submitter=True): ("trigger_value", True),
        }
        seconds = await self.rerun(states)
        if not any(widget_id.endswith(f"-{SIGNED_IN_KEY}") for widget_id in self.widgets):
            raise ProtocolError(f"sign-in refused for {name}")
        return seconds

    async def close(self) -> None:
        await self.socket.close()
