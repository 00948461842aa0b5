# The node pages.
