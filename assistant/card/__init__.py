"""Card layer: PC/SC readers and cards, the Belgian eID applet, PIN and signature."""
