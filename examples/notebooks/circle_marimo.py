"""ReLU on the circle in marimo: the same playground widget (``marimo run circle_marimo.py``)."""

import marimo

app = marimo.App()


@app.cell
def _():
    import marimo as mo

    import relulab as rl

    pg = rl.Playground(dataset="circle", activation="relu", hidden=(4, 4), lr=0.03)
    pg.step(100)
    widget = mo.ui.anywidget(pg)  # the cell's last expression is what marimo shows
    widget  # noqa: B018
    return


if __name__ == "__main__":
    app.run()
