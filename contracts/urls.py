from django.urls import path

from .views import agreement, employer, reviewer, student

app_name = "contracts"
urlpatterns = [
    # 签约解约 (employers)
    path("employer/signing/", employer.signing_list, name="employer_list"),
    path("employer/signing/students/add/", employer.add_student, name="add_student"),
    path("employer/signing/favorites/<int:pk>/remove/", employer.favorite_remove, name="favorite_remove"),
    path("employer/signing/favorites/<int:favorite_pk>/invite/", employer.invite, name="invite"),
    path("employer/signing/<int:pk>/", employer.detail, name="employer_detail"),
    path("employer/signing/<int:pk>/withdraw/", employer.withdraw, name="withdraw"),
    path("employer/signing/<int:pk>/reinvite/", employer.reinvite, name="reinvite"),
    # 就业协议书 (the three parties)
    path("contracts/<int:pk>/agreement.pdf", agreement.agreement_pdf, name="agreement_pdf"),
    # 我的邀请 (students)
    path("student/invitations/", student.invitations, name="student_invitations"),
    path("student/invitations/<int:pk>/", student.invitation_detail, name="student_detail"),
    path("student/invitations/<int:pk>/accept/", student.accept, name="student_accept"),
    path("student/invitations/<int:pk>/refuse/", student.refuse, name="student_refuse"),
    # 待审核 / 已审核 (college and school reviewers)
    path("school/review/", reviewer.queue, name="review_queue"),
    path("school/review/done/", reviewer.history, name="review_history"),
    path("school/review/batch-approve/", reviewer.batch_approve, name="review_batch_approve"),
    path("school/review/<int:pk>/", reviewer.detail, name="review_detail"),
    path("school/review/<int:pk>/approve/", reviewer.approve, name="review_approve"),
    path("school/review/<int:pk>/reject/", reviewer.reject, name="review_reject"),
]
