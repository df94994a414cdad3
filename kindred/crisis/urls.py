from kindred.crisis import requests_urls, rota_urls

app_name = "crisis"

urlpatterns = [*rota_urls.urlpatterns, *requests_urls.urlpatterns]
