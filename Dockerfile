# Image for the scale-out layout in docker-compose.yml (reference only; no engine runs in CI).
FROM python:3.11-slim
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir . && DEBUG=1 python manage.py collectstatic --noinput
EXPOSE 8000
CMD ["uvicorn", "xlate_site.asgi:application", "--host", "0.0.0.0", "--port", "8000", "--lifespan", "off"]
