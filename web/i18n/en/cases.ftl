# The cases pages.
