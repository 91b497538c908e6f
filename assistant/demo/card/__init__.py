"""The virtual Belgian eID card: a card model with synthetic citizens and two links to it.

* ``citizens``: the synthetic card holders (``CITIZENS``, ``DEFAULT_CITIZEN``, ``DEFAULT_PIN``).
* ``pki``: the deterministic test PKI (root CA → citizen CA → auth/signature certificates,
  the RRN certificate, and the loopback hub's TLS credentials).
* ``model``: ``VirtualEidCard`` answers APDUs like the BELPIC 1.8 applet; ``FaultPlan``
  pulls the card, forces a status word or stalls; ``NonEidCard`` is a bank-like chip.
* ``vpcd``: ``VpcdLink`` puts a card into the vsmartcard-vpcd reader of pcscd.
* ``vpcd_lock``: ``VpcdSlotLock``, the per-slot file lock the demo card and the tests share.
* ``inprocess``: ``InProcessBackend``, a ``CardBackend`` with a virtual reader (no pcscd).
* ``demo``: ``start_demo_card`` picks a vpcd slot nobody holds when pcscd has one, else the
  in-process reader.
"""
