# Active content where nbformat's schema forbids it: a string as a cell's execution count (the
# classic template writes it into the "In [ ]" prompt unescaped) and a cell tag with a comma.
# nbconvert validates the notebook before rendering, so the formgrader answers such a submission
# with an error page: the sanitiser must give back a valid notebook, with the content inert.
CELLS = [
    {"cell_type": "code", "id": "added-0", "metadata": {}, "source": "# (outputs stored in the notebook)",
     "execution_count": '<img src=x onerror="window.__pwned_18=1,alert(18)">', "outputs": []},
    {"cell_type": "markdown", "id": "added-1", "source": "Payload 22: a tag with a comma.",
     "metadata": {"tags": ['x"><img src=x onerror="window.__pwned_22=1,alert(22)">']}},
]
