"""The site configuration: read safely, judged, sealed.

Everything that decides what the site contains or how it is checked (``mkdocs.yml`` and its
``INHERIT`` chain, the theme's ``custom_dir``, the trust store and rules, the files the
configuration names, the CI pipeline) is *site configuration*: only an admin may change it
(history mode: an admin-signed commit; inline mode: an admin's seal). Nothing here imports
or runs code from the repository.
"""
