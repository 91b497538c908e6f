"""Pictograms are drawn from the SVG assets by Qt, in the theme's colour, and kept in memory."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QPixmap

from ui import widgets


def _colours(pix: QPixmap) -> set[str]:
    """The opaque colours of a drawing (#rrggbb)."""
    image = pix.toImage()
    found = set()
    for y in range(image.height()):
        for x in range(image.width()):
            colour = image.pixelColor(x, y)
            if colour.alpha() == 255:
                found.add(colour.name())
    return found


def test_a_pictogram_is_drawn_in_the_colour_asked(qapp) -> None:
    pix = widgets.render_svg("icons/card.svg", QSize(40, 40), "#123456")
    assert pix.size() == QSize(40, 40)
    assert _colours(pix) == {"#123456"}  # only that colour where it is fully drawn
    other = widgets.render_svg("icons/card.svg", QSize(40, 40), "#ff0000")
    assert _colours(other) == {"#ff0000"}


def test_the_same_drawing_is_made_once(qapp) -> None:
    a = widgets.render_svg("icons/help.svg", QSize(24, 24), "#202020")
    assert widgets.render_svg("icons/help.svg", QSize(24, 24), "#202020") is a
    assert widgets.render_svg("icons/help.svg", QSize(24, 24), "#202021") is not a
    assert widgets.render_svg("icons/help.svg", QSize(25, 25), "#202020") is not a


def test_a_high_density_screen_gets_more_pixels(qapp) -> None:
    pix = widgets.render_svg("icons/back.svg", QSize(20, 20), "#101010", 2.0)
    assert pix.width() == 40 and pix.devicePixelRatio() == 2.0
    assert _colours(pix)


def test_a_missing_picture_is_an_empty_one(qapp) -> None:
    pix = widgets.render_svg("icons/none-such.svg", QSize(22, 22), None)
    assert pix.width() == 22 and not _colours(pix)


def test_a_picture_name_leaving_assets_is_refused(qapp) -> None:
    with pytest.raises(ValueError):
        widgets.render_svg("../pyproject.toml", QSize(10, 10), None)


def test_a_picture_keeps_its_own_colours(qapp) -> None:
    pix = widgets.render_svg("pictures/insert-card.svg", QSize(120, 120), None)
    assert len(_colours(pix)) > 1
