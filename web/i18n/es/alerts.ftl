# The alerts pages.
