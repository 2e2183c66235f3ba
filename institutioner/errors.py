class StateError(Exception):
    """An action that the current state does not allow (signing twice, withdrawing an accepted
    request). Views show the message to the person; it is never a 500."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
