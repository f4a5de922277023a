from django.urls import path

from classroom.consumers import RoomConsumer

websocket_urlpatterns = [
    path("ws/classroom/<str:code>/", RoomConsumer.as_asgi()),
    path("ws/classroom/<str:code>/projector/", RoomConsumer.as_asgi(), {"screen": "projector"}),
]
