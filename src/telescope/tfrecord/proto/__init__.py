"""Generated protobuf modules for TensorBoard-compatible messages (package ``telescope`` on the wire-less side).

The ``.proto`` files beside this module are the source; regenerate with ``python -m telescope.tfrecord.proto.generate``
(needs ``grpcio-tools``). A test checks that the generated modules are up to date.
"""
