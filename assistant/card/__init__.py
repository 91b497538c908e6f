"""Card layer: PC/SC readers and cards, the Belgian eID applet, PIN and signature.

* ``tlv`` — the identity/address file format; ``identity`` — typed identity and address.
* ``pin`` — PIN block and PIN results; ``pinpad`` — PC/SC part 10 pinpad readers.
* ``eid`` — APDUs of the BELPIC applet, ``read_card`` (all-or-nothing), VERIFY, signature.
* ``session`` — ``CardSession``: one card in one reader, for worker threads.
* ``pcsc`` — ``PcscBackend`` over pyscard; ``monitor`` — ``CardMonitor`` on its own thread.
* ``diagnostic`` — the ``dossier-assistant card`` command.
* ``virtual`` — the virtual Belgian eID card (vpcd link and in-process link).
"""
