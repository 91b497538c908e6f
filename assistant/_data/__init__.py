"""The program's data files in an installed copy: ``assets/`` and ``locales/`` are copied here
from the top of the repository when the wheel is built (``setup.py``), and read through
``importlib.resources`` (``assistant.assets``). In a checkout this package is empty and the
folders beside ``assistant/`` are used in place."""
