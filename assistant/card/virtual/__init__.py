"""The virtual Belgian eID card: a card model with synthetic citizens and two links to it.

* ``citizens``: the synthetic card holders (``CITIZENS``, ``DEFAULT_CITIZEN``, ``DEFAULT_PIN``).
* ``pki``: the deterministic test PKI (root CA → citizen CA → auth/signature certificates,
  the RRN certificate, and the loopback hub's TLS credentials).
* ``model``: ``VirtualEidCard`` answers APDUs like the BELPIC 1.8 applet; ``FaultPlan``
  pulls the card, forces a status word or stalls; ``NonEidCard`` is a bank-like chip.
* ``vpcd``: ``VpcdLink`` puts a card into the vsmartcard-vpcd reader of pcscd.
* ``inprocess``: ``InProcessBackend``, a ``CardBackend`` with a virtual reader (no pcscd).
* ``demo``: ``start_demo_card`` picks the vpcd link when pcscd has it, else the in-process one.
"""
