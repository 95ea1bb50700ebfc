"""A hostile server: text it sends never reaches exceptions or log records raw (escaped by the library)."""
import logging
import socket
import threading

import pytest

import cibatch

ID = "b3deffea2f84911ec9cb15254008618d9"


def canned_server(status: int, body: bytes, headers: str = "") -> str:
    """A loopback server answering every request with one response; returns its endpoint."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    raw = (f"HTTP/1.1 {status} X\r\nContent-Length: {len(body)}\r\n{headers}\r\n").encode() + body

    def serve(conn: socket.socket) -> None:
        with conn:
            got = b""
            while True:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                got += chunk
                if b"\r\n\r\n" in got:
                    got = b""
                    conn.sendall(raw)

    def accept() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    return f"http://127.0.0.1:{listener.getsockname()[1]}"


def client_for(endpoint: str) -> cibatch.Client:
    return cibatch.Client("examplebucket-1250000000", "ap-beijing", "id", "key", endpoint=endpoint, max_attempts=1)


def no_controls(text: str) -> bool:
    return not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in text)


def test_a_forged_message_reaches_neither_exceptions_nor_logs_raw(caplog):
    body = (b"<Error><Code>AccessDenied</Code><Message>denied\n"
            b"INFO cibatch: credentials refreshed for AKIDadmin</Message><RequestId>r1</RequestId></Error>")
    caplog.set_level(logging.DEBUG, logger="cibatch")
    with client_for(canned_server(403, body)) as c:
        with pytest.raises(cibatch.ServiceError) as info:
            c.list_jobs()
    e = info.value
    assert e.message == "denied\\nINFO cibatch: credentials refreshed for AKIDadmin"
    for text in (str(e), repr(e), e.message, e.code, e.request_id):
        assert no_controls(text), text
    assert caplog.records
    for record in caplog.records:
        assert no_controls(record.getMessage()), record.getMessage()
        assert "\nINFO" not in record.getMessage()


def test_an_escape_sequence_is_refused_and_escaped(caplog):
    caplog.set_level(logging.DEBUG, logger="cibatch")
    body = b"<Error><Code>X</Code><Message>\x1b[2J\x1b]0;owned\x07</Message></Error>"
    with client_for(canned_server(500, body)) as c:
        with pytest.raises(cibatch.ServiceError) as info:
            c.list_jobs()
    text = str(info.value)
    assert "\x1b" not in text and "\\u{1b}[2J" in text, text
    assert no_controls(info.value.message)
    for record in caplog.records:
        assert no_controls(record.getMessage()), record.getMessage()


def test_a_nul_in_a_job_id_is_an_invalid_response():
    body = f"<Response><RequestId>r</RequestId><JobsDetail><JobId>{ID}\0evil</JobId></JobsDetail></Response>".encode()
    with client_for(canned_server(200, body)) as c:
        with pytest.raises(cibatch.InvalidResponse) as info:
            c.describe_jobs([ID])
    assert "not allowed in XML" in str(info.value)


def test_describe_job_never_returns_another_job():
    other = "b00000000000000000000000000000001"
    body = f"<Response><RequestId>r</RequestId><JobsDetail><JobId>{other}</JobId></JobsDetail></Response>".encode()
    with client_for(canned_server(200, body)) as c:
        with pytest.raises(cibatch.InvalidResponse):
            c.describe_job(ID)
