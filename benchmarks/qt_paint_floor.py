"""What painting the queue's visible cells costs Qt itself, with no Python in the loop.

A ``QTableView`` over a ``QStandardItemModel`` (items held in C++, so no Python ``data()`` calls),
sized and styled like the app's queue table, the same cells visible, repainted synchronously.
No table of that size can show a result faster on this machine, so it is the part of each
interaction that a raw sqlite3 floor leaves out. Used by ``benchmarks/queue.py``.
"""

from __future__ import annotations

import statistics
import time


def qt_paint_floor_ms(table, runs: int = 15) -> float:
    """Median synchronous repaint of a C++-backed table shaped like ``table`` (the app's queue)."""
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QApplication, QTableView

    source = table.model()
    rows = max(table.rowAt(table.viewport().height() - 1) + 1, 1) + 1
    columns = source.columnCount()
    model = QStandardItemModel(rows, columns)
    for row in range(min(rows, source.rowCount())):
        for column in range(columns):
            text = source.index(row, column).data()
            model.setItem(row, column, QStandardItem("" if text is None else str(text)))
    twin = QTableView()
    twin.setModel(model)
    twin.setAlternatingRowColors(table.alternatingRowColors())
    twin.setWordWrap(table.wordWrap())
    twin.setShowGrid(table.showGrid())
    twin.verticalHeader().setVisible(table.verticalHeader().isVisible())
    twin.verticalHeader().setDefaultSectionSize(table.verticalHeader().defaultSectionSize())
    for column in range(columns):
        twin.setColumnWidth(column, table.columnWidth(column))
        twin.setColumnHidden(column, table.isColumnHidden(column))
    twin.resize(table.size())
    twin.show()
    QApplication.processEvents()  # exposed, and the first paint (glyph caches) out of the way
    paints = []
    for _ in range(runs):
        started = time.perf_counter()
        twin.viewport().repaint()
        paints.append((time.perf_counter() - started) * 1000)
    twin.close()
    twin.deleteLater()
    return statistics.median(paints)
