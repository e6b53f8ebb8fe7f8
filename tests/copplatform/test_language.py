from django.urls import reverse


def test_choosing_french_sets_the_page_language(client, db):
    response = client.post(reverse("set_language"), {"language": "fr", "next": "/"})

    assert response.status_code == 302
    home = client.get(reverse("home"))
    assert '<html lang="fr"' in home.content.decode()


def test_every_page_offers_the_language_switcher_with_a_label(client, db):
    html = client.get(reverse("home")).content.decode()

    assert '<label for="language-select">' in html
    assert 'action="/i18n/setlang/"' in html


def test_an_unknown_language_keeps_english(client, db):
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})

    assert '<html lang="en"' in client.get(reverse("home")).content.decode()
