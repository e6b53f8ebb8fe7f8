def main_of(response) -> str:
    """The page's <main> element: what members wrote is shown there, and the layout's
    own <meta> and <script> tags around it are not under test."""
    html = response.content.decode()
    start, end = html.index("<main"), html.index("</main>")
    return html[start : end + len("</main>")]
