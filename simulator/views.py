from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def simulator_page(request):
    return render(request, "simulator/simulator.html")
