"""Case queues and the dispatch workflow panel (issue 4)."""
from console.ui.queues.dock import QueueDock

__all__ = ["QueueDock"]
